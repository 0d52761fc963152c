"""Through HTTP: sandbox WeChat login, browse, cart, checkout, order, cancel; on two stores that never see
each other's shoppers, tokens or orders."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenants.catalog.services import SkuInput, product_create
from tenants.members.models import Member
from tenants.orders.models import ShippingTemplate
from tests.factories import AddressFactory
from tests.shop_api.conftest import api, login


@pytest.fixture
def catalog_a(store_a):
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="默认", mode="flat", flat_fee_fen=600, free_over_fen=9900,
                                        is_default=True)
        cream = product_create(title="保湿面霜 50ml", subtitle="敏感肌可用", tags=["护肤", "补水"], publish=True,
                               skus=[SkuInput(spec_values={"规格": "50ml"}, price_fen=19900, stock=50),
                                     SkuInput(spec_values={"规格": "100ml"}, price_fen=29900, stock=5)])
        product_create(title="控油洁面乳", tags=["清洁"], publish=True,
                       skus=[SkuInput(price_fen=5900, stock=10)])
        product_create(title="未上架的口红", publish=False, skus=[SkuInput(price_fen=100, stock=1)])
    connection.set_schema_to_public()
    return cream


def test_sandbox_login_creates_then_finds_the_member_and_keeps_secrets(wechat_sandbox, store_a):
    first = api(store_a.host).post("/api/v1/auth/wechat-login/", {"code": "sandbox-mei"}, format="json")
    again = api(store_a.host).post("/api/v1/auth/wechat-login/", {"code": "sandbox-mei"}, format="json")
    assert (first.status_code, first.json()["is_new"]) == (201, True)
    assert (again.status_code, again.json()["is_new"]) == (200, False)
    assert first.json()["member"]["id"] == again.json()["member"]["id"]
    for body in (first.content.decode(), again.content.decode()):
        assert "session_key" not in body and "openid" not in body
    with schema_context(store_a.schema):
        member = Member.objects.get()
        assert member.openid.startswith("o") and member.session_key  # kept on the server only
    me = api(store_a.host, first.json()["token"]).get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["id"] == first.json()["member"]["id"]


def test_invalid_code_is_a_clear_400(wechat_sandbox, store_a):
    response = api(store_a.host).post("/api/v1/auth/wechat-login/", {"code": "invalid-123"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_code" and "code" in response.json()["fields"]


def test_tokens_are_bound_to_their_store(wechat_sandbox, store_a, store_b):
    token_a = login(store_a.host, "sandbox-ann")
    assert api(store_b.host, token_a).get("/api/v1/me/").status_code == 401
    assert api(store_b.host, "forged.token.value").get("/api/v1/me/").status_code == 401
    assert api(store_a.host).get("/api/v1/me/").status_code == 401


def test_browse_search_sort_and_only_on_sale(catalog_a, store_a):
    client = api(store_a.host)
    listing = client.get("/api/v1/catalog/products/", {"sort": "price_asc"}).json()
    assert [p["title"] for p in listing["results"]] == ["控油洁面乳", "保湿面霜 50ml"]
    assert (listing["page"], listing["next"]) == (1, None)
    first_page = client.get("/api/v1/catalog/products/", {"sort": "price_asc", "page_size": 1}).json()
    assert [p["title"] for p in first_page["results"]] == ["控油洁面乳"] and first_page["next"] == 2
    found = client.get("/api/v1/catalog/products/", {"q": "面霜"}).json()["results"]
    assert [p["title"] for p in found] == ["保湿面霜 50ml"]
    assert len(client.get("/api/v1/catalog/products/", {"q": "补水"}).json()["results"]) == 1  # tags searched
    bad = client.get("/api/v1/catalog/products/", {"min_price_fen": "abc", "sort": "nope"})
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"min_price_fen", "sort"}
    detail = client.get(f"/api/v1/catalog/products/{catalog_a.pk}/").json()
    assert [s["price_fen"] for s in detail["skus"]] == [19900, 29900]
    assert api("bravo.localhost").get(f"/api/v1/catalog/products/{catalog_a.pk}/").status_code == 404


def test_cart_checkout_order_cancel_over_http(wechat_sandbox, catalog_a, store_a, store_b):
    token = login(store_a.host, "sandbox-buyer")
    client = api(store_a.host, token)
    with schema_context(store_a.schema):
        member = Member.objects.get()
        address = AddressFactory(member=member)
        sku = catalog_a.skus.get(spec_key="规格:50ml")
    connection.set_schema_to_public()
    assert client.post("/api/v1/cart/", {"sku_id": sku.pk, "quantity": 2}, format="json").status_code == 201
    preview = client.post("/api/v1/checkout/preview/", {"address_id": address.pk}, format="json").json()
    assert (preview["goods_fen"], preview["shipping_fen"], preview["payable_fen"]) == (39800, 0, 39800)
    created = client.post("/api/v1/orders/", {"address_id": address.pk}, format="json",
                          HTTP_IDEMPOTENCY_KEY="order-0001-abcdefgh")
    assert created.status_code == 201
    number = created.json()["number"]
    replay = client.post("/api/v1/orders/", {"address_id": address.pk, "items": [{"sku_id": sku.pk, "quantity": 2}]},
                         format="json", HTTP_IDEMPOTENCY_KEY="order-0001-abcdefgh")
    assert replay.status_code == 200 and replay.json()["number"] == number
    assert client.get("/api/v1/cart/").json() == []  # bought items left the cart
    assert client.get("/api/v1/orders/").json()["results"][0]["status"] == "pending_payment"
    assert client.get("/api/v1/orders/", {"status": "pending_payment"}).json()["count"] == 1
    assert client.get("/api/v1/orders/", {"status": "shipped"}).json()["count"] == 0
    bad_filter = client.get("/api/v1/orders/", {"status": "lost"})
    assert bad_filter.status_code == 400 and "status" in bad_filter.json()["fields"]
    # Another store's host knows neither the token nor the order.
    assert api(store_b.host, token).get(f"/api/v1/orders/{number}/").status_code == 401
    other = login(store_b.host, "sandbox-buyer")  # the same person is a different member there
    assert api(store_b.host, other).get(f"/api/v1/orders/{number}/").status_code == 404
    cancelled = client.post(f"/api/v1/orders/{number}/cancel/", {"reason": "拍错了"}, format="json")
    assert cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/orders/{number}/cancel/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"
    with schema_context(store_a.schema):
        sku.refresh_from_db()
        assert sku.stock == 50


def test_order_without_idempotency_key_is_refused(wechat_sandbox, catalog_a, store_a):
    token = login(store_a.host, "sandbox-x")
    with schema_context(store_a.schema):
        address = AddressFactory(member=Member.objects.get())
        sku_id = catalog_a.skus.first().pk
    connection.set_schema_to_public()
    response = api(store_a.host, token).post("/api/v1/orders/", {"address_id": address.pk, "items": [
        {"sku_id": sku_id, "quantity": 1}]}, format="json")
    assert response.status_code == 400 and "idempotency_key" in response.json()["fields"]


def test_addresses_are_validated_and_private_to_their_store(wechat_sandbox, catalog_a, store_a, store_b):
    token = login(store_a.host, "sandbox-addr")
    client = api(store_a.host, token)
    bad = client.post("/api/v1/me/addresses/", {"recipient": "", "phone": "123", "region_code": "999999",
                                                 "province": "x", "city": "x", "district": "x", "detail": ""},
                      format="json")
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"recipient", "phone", "region_code", "detail"}
    created = client.post("/api/v1/me/addresses/", {
        "recipient": "李雷", "phone": "13912345678", "region_code": "440305", "province": "广东省",
        "city": "深圳市", "district": "南山区", "detail": "科技园 1 号"}, format="json")
    assert created.status_code == 201 and created.json()["is_default"] is True
    address_id = created.json()["id"]
    token_b = login(store_b.host, "sandbox-addr")
    with schema_context(store_a.schema):
        sku_id = catalog_a.skus.first().pk
    connection.set_schema_to_public()
    response = api(store_b.host, token_b).post("/api/v1/checkout/preview/", {
        "address_id": address_id, "items": [{"sku_id": sku_id, "quantity": 1}]}, format="json")
    assert response.status_code == 400 and "address_id" in response.json()["fields"]


def test_openapi_schema_and_docs(store_a):
    schema = api(store_a.host).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/orders/" in paths and "/api/v1/auth/wechat-login/" in paths
    assert api(store_a.host).get("/api/docs/").status_code == 200


def test_product_list_costs_one_database_round_trip(catalog_a, store_a, client):
    """Host lookup comes from this process's cache; a page is one query (no COUNT, no image prefetch),
    and switching the connection to the store's schema rides on it. Counted at the driver: every
    statement text the raw psycopg2 cursor sends, under the backend's own cursor class."""
    import psycopg2.extensions
    from django.db import connection as db

    executed: list[str] = []

    class Counting(psycopg2.extensions.cursor):
        def execute(self, sql, params=None):
            executed.append(sql if isinstance(sql, str) else sql.decode())
            return super().execute(sql, params)

    client.get("/api/v1/catalog/products/", HTTP_HOST=store_a.host)  # warm the host cache
    db.set_schema_to_public()
    raw = db.connection
    previous = raw.cursor_factory
    raw.cursor_factory = type("CountingSearchPathCursor", (previous, Counting), {})
    try:
        response = client.get("/api/v1/catalog/products/", {"page_size": 20}, HTTP_HOST=store_a.host)
    finally:
        raw.cursor_factory = previous
    assert response.status_code == 200 and len(response.json()["results"]) == 2
    assert len(executed) == 1, executed
    assert executed[0].startswith(f'SET search_path = "{store_a.schema}","public";SELECT')
    assert "catalog_product" in executed[0]


def test_redis_down_lets_shoppers_browse_uncounted(catalog_a, store_a, settings, caplog):
    from rest_framework.settings import api_settings

    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"],
                                                      "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,  # a limit counted in Redis on every request
                               "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "120/min", "login": "3/min"}}
    try:
        response = api(store_a.host).get("/api/v1/catalog/products/")
    finally:
        api_settings.reload()
    assert response.status_code == 200 and len(response.json()["results"]) == 2
    assert "rate limit not counted: Redis unavailable" in caplog.text


def test_rate_limits_answer_429_in_the_standard_format(store_a, settings):
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "3/min", "login": "3/min"}}
    try:
        client = api(store_a.host)
        codes = [client.get("/api/v1/catalog/products/").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        body = client.get("/api/v1/catalog/products/").json()
        assert body["code"] == "throttled" and body["fields"] == {}
        assert api("bravo.localhost").get("/api/v1/catalog/products/").status_code == 200  # limits are per store
    finally:
        api_settings.reload()
