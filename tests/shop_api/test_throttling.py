"""Fixed-window rate limits: exact in Redis for small limits, batched per process for large ones."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django_redis import get_redis_connection
from django_tenants.utils import schema_context
from rest_framework.request import Request
from rest_framework.settings import api_settings

from shop_api import throttling
from shop_api.throttling import AnonThrottle

NOW = 1_800_000_005.0  # 5 s into a minute: no window ends during a test


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(throttling, "time", SimpleNamespace(time=lambda: NOW))


@pytest.fixture
def anon_rate(settings):
    def set_rate(rate: str) -> None:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": rate}}
        api_settings.reload()

    yield set_rate
    api_settings.reload()


def shopper_request() -> Request:
    request = Request(RequestFactory().get("/api/v1/catalog/products/", REMOTE_ADDR="203.0.113.9"))
    request.user = None
    return request


def counted_in_redis() -> int:
    key = cache.make_key(f"throttle:anon:203.0.113.9:{int(NOW // 60)}")
    return int(get_redis_connection("default").get(key) or 0)


def test_a_small_limit_is_counted_in_redis_on_every_request(store_a, anon_rate):
    anon_rate("120/min")
    throttle, request = AnonThrottle(), shopper_request()
    with schema_context(store_a.schema):
        assert [throttle.allow_request(request, None) for _ in range(3)] == [True] * 3
        assert counted_in_redis() == 3


def test_a_large_limit_is_counted_in_batches_and_still_holds(store_a, anon_rate):
    anon_rate("500/min")  # a batch of 5
    throttle, request = AnonThrottle(), shopper_request()
    with schema_context(store_a.schema):
        assert all(throttle.allow_request(request, None) for _ in range(7))
        assert counted_in_redis() == 5  # two requests not yet added
        allowed = [throttle.allow_request(request, None) for _ in range(496)]
        # Near the limit every request is added at once: exactly 500 get through, the rest wait.
        assert allowed.count(True) == 493 and allowed[-3:] == [False] * 3
        assert counted_in_redis() == 503
        assert throttle.wait() == 55
