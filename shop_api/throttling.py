"""Rate limits per member (signed-in) and per client IP, as fixed windows counted in Redis.

DRF's built-in throttles keep a list of request times per client and rewrite it on every request;
a counter is one INCR. The cache keys carry the store's schema (the cache KEY_FUNCTION), so limits are
per store."""

from __future__ import annotations

import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from tenants.members.models import Member


class FixedWindowThrottle(BaseThrottle):
    scope = ""

    def __init__(self):
        self.limit, self.window_s = self._parse(api_settings.DEFAULT_THROTTLE_RATES[self.scope])
        self.wait_s = 0

    @staticmethod
    def _parse(rate: str) -> tuple[int, int]:
        count, period = rate.split("/")
        return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]

    def ident(self, request, view) -> str | None:
        return self.get_ident(request)

    def allow_request(self, request, view) -> bool:
        ident = self.ident(request, view)
        if ident is None:
            return True
        window = int(time.time() // self.window_s)
        key = f"throttle:{self.scope}:{ident}:{window}"
        try:
            count = cache.incr(key)
        except ValueError:  # first request of the window
            cache.add(key, 0, timeout=self.window_s + 1)
            count = cache.incr(key)
        if count is not None and count > self.limit:
            self.wait_s = self.window_s - int(time.time()) % self.window_s
            return False
        return True

    def wait(self) -> float:
        return self.wait_s


class AnonThrottle(FixedWindowThrottle):
    scope = "anon"

    def ident(self, request, view):
        return None if isinstance(request.user, Member) else self.get_ident(request)


class MemberThrottle(FixedWindowThrottle):
    scope = "user"

    def ident(self, request, view):
        return f"m{request.user.pk}" if isinstance(request.user, Member) else None


class LoginThrottle(FixedWindowThrottle):
    """Applied by the login view: per client IP."""

    scope = "login"
