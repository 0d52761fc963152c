"""One rule for the client's IP, used by every limit and record: X-Forwarded-For is read only as far as our
own proxies (TRUSTED_PROXY_COUNT) wrote it, so a forged header changes nothing."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_tenants.utils import schema_context
from rest_framework.request import Request
from rest_framework.settings import api_settings

from core.client_ip import client_ip
from shop_api.throttling import AnonThrottle, LoginThrottle

FORGED = ["1.2.3.4", "5.6.7.8, 9.9.9.9", "not-an-ip", "203.0.113.9, 198.51.100.1"]


def _request(xff: str | None = None, remote: str = "198.51.100.7"):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert {client_ip(_request(xff)) for xff in [None, *FORGED]} == {"198.51.100.7"}


def test_behind_one_proxy_the_entry_it_wrote_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appends what it saw; what the client put before that is ignored.
    assert client_ip(_request("203.0.113.50", remote="10.0.0.2")) == "203.0.113.50"
    assert client_ip(_request("1.2.3.4, 203.0.113.50", remote="10.0.0.2")) == "203.0.113.50"
    assert client_ip(_request("1.2.3.4, garbage", remote="10.0.0.2")) == "10.0.0.2"
    assert client_ip(_request(None, remote="10.0.0.2")) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("1.2.3.4, 203.0.113.50, 10.0.0.3", remote="10.0.0.2")) == "203.0.113.50"


@pytest.fixture
def tight_limits(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "3/min", "login": "3/min"}}
    api_settings.reload()
    yield
    api_settings.reload()


@pytest.mark.parametrize("throttle_class", [AnonThrottle, LoginThrottle])
def test_shop_api_limits_cannot_be_dodged_with_a_forged_header(store_a, tight_limits, throttle_class):
    throttle = throttle_class()
    with schema_context(store_a.schema):
        allowed = []
        for n in range(6):
            request = Request(_request(f"10.9.{n}.1"))
            request.user = None
            allowed.append(throttle.allow_request(request, None))
    assert allowed == [True, True, True, False, False, False]


def test_signup_limit_cannot_be_dodged_with_a_forged_header(db, settings, platform_client,
                                                            django_capture_on_commit_callbacks):
    settings.SIGNUP_RATE_LIMIT = 2
    replies = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            replies.append(platform_client.post("/", {
                "store_name": f"店{n}", "slug": f"forged-{n}", "owner_login": f"o{n}@example.com",
                "password": "Correct-Horse-42", "template": "beauty"}, HTTP_X_FORWARDED_FOR=f"10.8.{n}.1").status_code)
    assert replies == [302, 302, 429]


def test_orders_record_the_real_address(pending_order, store_a):
    from tenants.orders.models import Order

    _client, number = pending_order
    with schema_context(store_a.schema):
        assert Order.objects.get(number=number).client_ip == "127.0.0.1"
