"""The client's IP address: the one rule every rate limit, anti-abuse check and audit record uses.

``TRUSTED_PROXY_COUNT`` (settings, from the environment) says how many reverse proxies of ours stand in
front of the application. Each appends the address it saw to ``X-Forwarded-For``, so the client is the
entry that many places from the right; anything further left was written by the client and is ignored.
With no proxy (the default) the header is not read at all: a forged one changes nothing. DRF's
``NUM_PROXIES`` is set from the same setting, so its throttles agree.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104 (a label, not a bind)
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return _valid(hops[-min(proxies, len(hops))]) or remote
