"""Every route of both hosts (walked from the URL confs, not listed by hand), signed in where it needs it, given
each class of input that once answered 500: numbers past any column's range, NUL bytes and lone surrogates
in the path, query, headers, form and JSON bodies, unparsed numbers ("abc", "1e3", "1²"), JSON nested 1,500
deep. None may answer a 5xx."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from tenants.distribution.models import Distributor
from tenants.members.models import Member
from tests.conftest import console_login
from tests.shop_api.conftest import login

HUGE = "1000000000000000000000"
# Numbers that do not parse or do not fit: they must reach the views (no NUL here, which the edge refuses).
QUERY_NUMBERS = {"page": "1000000000000000000", "page_size": "abc", "days": "1e3", "status": "x", "category": "abc",
                 "grade": "1²³", "template": HUGE, "distributor": HUGE, "level": "٢", "category_id": HUGE,
                 "brand_id": "1²", "min_price_fen": "1e3", "max_price_fen": "-1", "sort": "price", "kind": "x",
                 "placed_from": "2026-13-45", "placed_to": HUGE, "token": "x", "next": "//evil.example/",
                 "plan": HUGE, "distributor_code": HUGE, "q": "x" * 500, "tag": "x" * 500}
QUERY_TEXT = {"tag": "\x00", "q": "\ud800x", "status": "a\x00", "next": "\udfff"}
JSON_NUMBERS = {"items": [{"sku_id": int(HUGE), "quantity": "1²"}, {"sku_id": "abc", "quantity": -1}],
                "address_id": int(HUGE), "product_id": HUGE, "quantity": "١", "order_number": HUGE, "code": "x",
                "amount_fen": int(HUGE), "lines": {"1": HUGE, "abc": 1}, "reason": "x", "phone": "1²³⁴⁵⁶⁷⁸⁹⁰¹",
                "region_code": "٣١٠١١٥", "kind": "refund_only", "answers": {"a": "x" * 10000}, "share_token": HUGE,
                "item_ids": [HUGE], "selected": "maybe", "days": "abc", "method": "wechat"}
JSON_TEXT = {"answers": {"a\u0000": "x"}, "remark": "\x00", "reason": "\udfff", "code": "\ud800"}
FORM_NUMBERS = {"action": "x", "image_id": HUGE, "product_ids": [HUGE, "1²"], "categories": ["abc"], "page": HUGE,
                "login": "x", "password": "x", "reason": "x", "withdrawal_id": HUGE, "grade_id": "1e3",
                "sort_order": "١٢", "days": "abc", "issue": HUGE, "revision": HUGE, "template": HUGE, "kind": "x",
                "after_sale_id": HUGE, "category": HUGE, "parent": HUGE, "delta": "1e3", "sku": HUGE}
FORM_TEXT = {"action": "\x00", "login": "\ud800", "reason": "a\x00"}
BASIC_ACTIONS = ["approve", "reject", "upload", "image_delete", "image_down", "stock", "save", "ship", "refund",
                 "received", "exchange_ship", "publish", "simulate", "suspend", "resume", "impersonate", "paid",
                 "shipping", "wechatpay", "store"]


def _encoded(fields: dict) -> str:
    """As a client would send them: a lone surrogate travels as the invalid UTF-8 bytes %ED%A0%80."""
    return urlencode(fields, doseq=True, encoding="utf-8", errors="surrogatepass")


def _deep(depth: int = 1500) -> str:
    return "[" * depth + "]" * depth


def _routes(urlconf: str) -> list[str]:
    def walk(patterns, prefix: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)
    return sorted(set(walk(get_resolver(urlconf).url_patterns, "")))


PATH_VALUES = {"plain": {"int": "1", "str": "x1", "slug": "beauty", "path": "x.png"},
               "huge": {"int": HUGE, "str": "9" * 300, "slug": "x" * 300, "path": "x" * 300},
               "nul": {"int": "1", "str": "a%00b", "slug": "a%00b", "path": "a%00b.png"}}


def _fill(route: str, kind: str) -> str:
    return "/" + re.sub(r"<(\w+):\w+>", lambda m: PATH_VALUES[kind][m.group(1)], route)


def _requests(client, route: str) -> list[tuple[str, int]]:
    """Every payload class against one route; (what, status) for each."""
    answers = []
    kinds = ("plain", "huge", "nul") if "<" in route else ("plain",)
    for kind in kinds:
        url = _fill(route, kind)
        for query in (QUERY_NUMBERS, QUERY_TEXT):
            answers.append((f"GET {url} {sorted(query)[:2]}", client.get(f"{url}?{_encoded(query)}").status_code))
        if "logout" in url:
            continue
        for body in (JSON_NUMBERS, JSON_TEXT):
            answers.append((f"POST json {url}", client.post(url, json.dumps(body), content_type="application/json",
                                                           HTTP_IDEMPOTENCY_KEY="key-0001-0001").status_code))
        answers.append((f"POST key {url}", client.post(url, "{}", content_type="application/json",
                                                       HTTP_IDEMPOTENCY_KEY="key-\x00-0001").status_code))
        answers.append((f"POST deep {url}", client.post(url, _deep(), content_type="application/json").status_code))
        answers.append((f"PATCH json {url}", client.patch(url, json.dumps(JSON_NUMBERS),
                                                          content_type="application/json").status_code))
        forms = [FORM_TEXT] + [{**FORM_NUMBERS, "action": action} for action in BASIC_ACTIONS]
        for form in forms if not url.startswith("/api/") else forms[:2]:
            answers.append((f"POST form {url} {form['action']!r}", client.post(
                url, _encoded(form), content_type="application/x-www-form-urlencoded").status_code))
    return answers


@pytest.mark.parametrize("host", ["ALPHA.LOCALHOST", "Alpha.localhost"])
def test_hosts_are_case_insensitive(store_a, host):
    assert Client(HTTP_HOST=host).get("/healthz").status_code == 200


def test_no_route_of_a_store_answers_5xx_to_bad_input(store_a, wechat_sandbox):
    token = login(store_a.host, "walker")
    with schema_context(store_a.schema):
        member = Member.objects.get(openid__isnull=False)
        Distributor.objects.create(member=member, code="WALK0001")
    connection.set_schema_to_public()
    api = APIClient(HTTP_HOST=store_a.host, raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    console = Client(HTTP_HOST=store_a.host, raise_request_exception=False)
    console_login(console, store_a.owner_login)
    answers = []
    for route in _routes("config.urls_tenant"):
        answers += _requests(api if route.startswith("api/") else console, route)
    failures = [(what, status) for what, status in answers if status >= 500]
    assert failures == [], "\n".join(f"{status} {what}" for what, status in failures)
    assert len(answers) > 1000
    # The walk reached the views, not only the edge's refusals.
    assert sum(status in (200, 201, 302) for _, status in answers) > 100


def test_no_route_of_the_platform_answers_5xx_to_bad_input(operator_client):
    operator_client.raise_request_exception = False
    answers = []
    for route in _routes("config.urls_platform"):
        answers += _requests(operator_client, route)
    failures = [(what, status) for what, status in answers if status >= 500]
    assert failures == [], "\n".join(f"{status} {what}" for what, status in failures)


def test_nested_field_errors_are_structured_and_digits_are_ascii(store_a, wechat_sandbox):
    api = APIClient(HTTP_HOST=store_a.host)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {login(store_a.host, 'nested')}")
    reply = api.post("/api/v1/checkout/preview/", {"address_id": 1, "items": [{"sku_id": 1, "quantity": "x"}]},
                     format="json")
    assert reply.status_code == 400
    fields = reply.json()["fields"]
    assert list(fields) == ["items.0.quantity"]
    assert fields["items.0.quantity"][0] in ("请填写合法的整数值。", "A valid integer is required.")  # no repr
    for phone, region in (("1²³⁴⁵⁶⁷⁸⁹⁰¹", "310115"), ("١٣٨٠٠١٣٨٠٠٠", "310115"), ("13800138000", "٣١٠١١٥")):
        bad = api.post("/api/v1/me/addresses/", {"recipient": "王", "phone": phone, "region_code": region,
                                                  "province": "上海", "city": "上海", "district": "浦东",
                                                  "detail": "x"}, format="json")
        assert bad.status_code == 400 and set(bad.json()["fields"]) & {"phone", "region_code"}, bad.content
    deep = api.post("/api/v1/cart/", "[" * 1500 + "]" * 1500, content_type="application/json")
    assert deep.status_code == 400 and deep.json()["code"] == "bad_request"


def test_the_same_idempotency_key_with_another_remark_is_a_conflict(pending_order, store_a):
    from tenants.orders.models import Order

    client, number = pending_order
    with schema_context(store_a.schema):
        order = Order.objects.get(number=number)
        body = {"address_id": Member.objects.get().addresses.get().pk,
                "items": [{"sku_id": order.lines.get().sku_id, "quantity": 2}]}
    connection.set_schema_to_public()
    again = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="pay-order-000001")
    assert again.status_code == 200 and again.json()["number"] == number  # a true retry
    other = client.post("/api/v1/orders/", {**body, "remark": "请尽快发货"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="pay-order-000001")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
