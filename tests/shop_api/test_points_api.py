"""Points through the shop API: the points card and the store's rules, signing in (201, then 409 the same day),
the history with labels, checkout preview offering the points and an order paying with them; another store's
member sees none of it."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import schema_context

from tenants.catalog.services import SkuInput, product_create
from tenants.loyalty.points import points_grant
from tenants.members.models import Member
from tenants.orders.models import ShippingTemplate
from tests.factories import AddressFactory
from tests.shop_api.conftest import api, login


def test_points_card_sign_in_history_and_paying_with_points(store_a, store_b, wechat_sandbox):
    token = login(store_a.host, "points-shopper")
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="运费", mode="flat", flat_fee_fen=600, is_default=True)
        sku = product_create(title="护手霜", publish=True, skus=[SkuInput(price_fen=3900, stock=9)]).skus.get()
        member = Member.objects.get()
        address = AddressFactory(member=member).pk
        points_grant(member_id=member.pk, points=3000, key="api:gift", memo="开业礼")
    connection.set_schema_to_public()
    client = api(store_a.host, token)
    card = client.get("/api/v1/me/points/").json()
    assert (card["balance"], card["signed_in_today"], card["rules"]["redeem_points_per_yuan"]) == (3000, False, 100)
    signed = client.post("/api/v1/me/points/sign-in/")
    assert (signed.status_code, signed.json()["points"], signed.json()["streak"]) == (201, 5, 1)
    again = client.post("/api/v1/me/points/sign-in/")
    assert (again.status_code, again.json()["code"]) == (409, "signed_in_today")
    assert client.get("/api/v1/me/points/").json()["signed_in_today"] is True

    two = {"address_id": address, "items": [{"sku_id": sku.pk, "quantity": 2}]}
    preview = client.post("/api/v1/checkout/preview/", two, format="json").json()
    assert preview["points"] == {"balance": 3005, "max_points": 3005, "max_fen": 3005, "fen_per_point": 1,
                                 "min_points": 0}
    too_many = client.post("/api/v1/checkout/preview/", {**two, "points": 5000}, format="json")
    assert (too_many.status_code, too_many.json()["code"]) == (400, "points_over_limit")
    assert "points" in too_many.json()["fields"]
    paid = client.post("/api/v1/checkout/preview/", {**two, "points": 2000}, format="json").json()
    assert (paid["discount_fen"], paid["payable_fen"]) == (2000, 7800 - 2000 + 600)
    order = client.post("/api/v1/orders/", {**two, "points": 2000}, format="json",
                        HTTP_IDEMPOTENCY_KEY="points-api-0001")
    assert order.status_code == 201 and order.json()["discount_fen"] == 2000
    history = client.get("/api/v1/me/points/history/").json()["results"]
    assert [(h["points"], h["kind"]) for h in history] == [(-2000, "points_spend"), (5, "points_grant"),
                                                           (3000, "points_grant")]
    assert history[0]["order_number"] == order.json()["number"] and history[0]["label"] == "积分抵扣"
    level = client.get("/api/v1/me/level/").json()
    assert (level["level"]["name"], level["next"]["name"], level["spend_left_fen"]) == ("粉丝", "VIP", 50_000)
    assert [lv["rank"] for lv in level["levels"]] == [1, 2, 3]
    other = api(store_b.host, login(store_b.host, "points-shopper"))
    assert other.get("/api/v1/me/points/").json()["balance"] == 0
    assert other.get("/api/v1/me/points/history/").json()["results"] == []
