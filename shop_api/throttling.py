"""Rate limits per member (signed-in) and per client IP, as fixed windows counted in Redis.

DRF's built-in throttles keep a list of request times per client and rewrite it on every request;
a counter is one plain INCRBY (not the cache's ``incr``, a Lua script that Redis has to hash and run on
every call); the first count of a window also gives its key an expiry. The keys are made by the cache
(its KEY_FUNCTION puts the store's schema in them), so limits are per store. Redis being down lets
requests through, as the cache does.

Under a large limit a process need not ask Redis on every request: it counts locally and adds its count
to Redis every 1% of the limit (at most every 100 requests), and at once whenever the count it knows is
near the limit. Small limits (under 200 a window, the defaults included) are counted in Redis on every
request, exactly; a large one may be passed by at most one batch per process."""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import cache
from django_redis import get_redis_connection
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core.client_ip import client_ip
from tenants.members.models import Member

logger = logging.getLogger(__name__)

MAX_BATCH = 100
# key -> [requests not yet added to Redis, the window's count Redis last gave]; shared by a process's threads.
_unreported: dict[str, list[int]] = {}
_unreported_lock = threading.Lock()


def forget_unreported() -> None:
    with _unreported_lock:
        _unreported.clear()


class FixedWindowThrottle(BaseThrottle):
    scope = ""

    def __init__(self):
        self.limit, self.window_s = self._parse(str(api_settings.DEFAULT_THROTTLE_RATES[self.scope]))
        self.batch = min(max(self.limit // 100, 1), MAX_BATCH)
        self.wait_s = 0

    @staticmethod
    def _parse(rate: str) -> tuple[int, int]:
        count, period = rate.split("/")
        return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]

    def get_ident(self, request) -> str:
        return client_ip(request)  # the platform's one rule (trusted proxies only), not DRF's header parsing

    def ident(self, request, view) -> str | None:
        return self.get_ident(request)

    def allow_request(self, request, view) -> bool:
        ident = self.ident(request, view)
        if ident is None:
            return True
        window = int(time.time() // self.window_s)
        key = cache.make_key(f"throttle:{self.scope}:{ident}:{window}")
        count = self._count(key)
        if count is None:
            return True
        if count > self.limit:
            self.wait_s = self.window_s - int(time.time()) % self.window_s
            return False
        return True

    def _count(self, key: str) -> int | None:
        """This request's place in the window, as far as this process knows (None: Redis is down)."""
        with _unreported_lock:
            entry = _unreported.get(key)
            if entry is None:
                if len(_unreported) > 10_000:  # mostly past windows' keys
                    _unreported.clear()
                entry = _unreported[key] = [0, 0]
            entry[0] += 1
            pending, known = entry
            if pending < self.batch and known + pending <= self.limit - self.batch:
                return known + pending
            entry[0] = 0
        try:
            redis = get_redis_connection("default")
            count = redis.incrby(key, pending)
            if count == pending:  # the window's first count; a key left without expiry names a past window
                redis.expire(key, self.window_s + 1)
        except RedisError:
            logger.warning("rate limit not counted: Redis unavailable", exc_info=True)
            return None
        with _unreported_lock:
            entry[1] = max(entry[1], count)
        return count

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
