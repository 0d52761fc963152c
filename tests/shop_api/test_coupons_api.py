"""Coupons through the shop API: the centre lists what can be claimed (and what the member holds), a claim
answers 201 then 409 at the limit, my coupons by state, checkout preview offers every coupon with its worth or
why not, and an order placed with one uses it."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import schema_context

from tenants.catalog.services import SkuInput, product_create
from tenants.marketing.models import MemberCoupon
from tenants.marketing.services import CouponInput, coupon_create
from tenants.members.models import Member
from tenants.orders.models import ShippingTemplate
from tests.factories import AddressFactory
from tests.shop_api.conftest import api, login


def test_claim_then_checkout_with_the_coupon(store_a, store_b, wechat_sandbox):
    token = login(store_a.host, "coupon-shopper")
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="运费", mode="flat", flat_fee_fen=600, is_default=True)
        coupon = coupon_create(values=CouponInput(name="新人满50减10", kind="amount_off", amount_fen=1000,
                                                  threshold_fen=5000, total_quantity=5, valid_days=7))
        sku = product_create(title="护手霜", publish=True, skus=[SkuInput(price_fen=3900, stock=9)]).skus.get()
        address = AddressFactory(member=Member.objects.get()).pk
    connection.set_schema_to_public()
    client = api(store_a.host, token)
    centre = client.get("/api/v1/coupons/").json()["results"]
    assert [(c["name"], c["summary"], c["left"], c["held"]) for c in centre] == [
        ("新人满50减10", "满 50.00 减 10.00", 5, 0)]
    assert api(store_a.host).get("/api/v1/coupons/").status_code == 200  # browsing needs no login
    claimed = client.post(f"/api/v1/coupons/{coupon.pk}/claim/")
    assert claimed.status_code == 201 and claimed.json()["coupon"]["name"] == "新人满50减10"
    again = client.post(f"/api/v1/coupons/{coupon.pk}/claim/")
    assert (again.status_code, again.json()["code"]) == (409, "coupon_limit_reached")
    assert client.get("/api/v1/coupons/").json()["results"][0]["held"] == 1
    mine = client.get("/api/v1/me/coupons/").json()["results"]
    assert [m["id"] for m in mine] == [claimed.json()["id"]]

    one = {"address_id": address, "items": [{"sku_id": sku.pk, "quantity": 1}]}
    short = client.post("/api/v1/checkout/preview/", one, format="json").json()
    assert short["discount_fen"] == 0 and short["coupons"][0]["reason"] == "还差 11.00 元可用"
    two = {"address_id": address, "items": [{"sku_id": sku.pk, "quantity": 2}]}
    preview = client.post("/api/v1/checkout/preview/", two, format="json").json()
    assert (preview["discount_fen"], preview["payable_fen"]) == (1000, 7800 - 1000 + 600)
    assert preview["promotions"] == {"coupons": [claimed.json()["id"]],
                                     "coupon_discounts": {str(claimed.json()["id"]): 1000}}
    bad = client.post("/api/v1/checkout/preview/", {**two, "coupon_ids": [999999]}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "coupon_not_usable")
    order = client.post("/api/v1/orders/", {**two, "coupon_ids": [claimed.json()["id"]]}, format="json",
                        HTTP_IDEMPOTENCY_KEY="coupon-api-0001")
    assert order.status_code == 201 and order.json()["discount_fen"] == 1000
    assert client.get("/api/v1/me/coupons/").json()["results"] == []
    used = client.get("/api/v1/me/coupons/", {"state": "used"}).json()["results"]
    assert used[0]["status"] == "used"
    assert client.get("/api/v1/me/coupons/", {"state": "nope"}).status_code == 400
    other_store = api(store_b.host, login(store_b.host, "coupon-shopper"))
    assert other_store.get("/api/v1/coupons/").json()["results"] == []  # store alpha's coupon is not there
    assert other_store.post(f"/api/v1/coupons/{coupon.pk}/claim/").status_code == 404


def test_a_new_member_gets_the_welcome_coupon_and_redeems_a_code(store_a, wechat_sandbox):
    from tenants.marketing.services import coupon_codes_generate

    with schema_context(store_a.schema):
        coupon_create(values=CouponInput(name="新人券", kind="amount_off", amount_fen=500, total_quantity=10,
                                         valid_days=7, claimable=False, auto_issue="new_member"))
        code = coupon_codes_generate(coupon=coupon_create(values=CouponInput(
            name="兑换券", kind="amount_off", amount_fen=800, total_quantity=10, valid_days=7, claimable=False)),
            count=1)[0].code
    connection.set_schema_to_public()
    client = api(store_a.host, login(store_a.host, "welcome-shopper"))
    assert [m["coupon"]["name"] for m in client.get("/api/v1/me/coupons/").json()["results"]] == ["新人券"]
    assert client.get("/api/v1/coupons/").json()["results"] == []  # neither is in the coupon centre
    redeemed = client.post("/api/v1/coupons/redeem/", {"code": code}, format="json")
    assert redeemed.status_code == 201 and redeemed.json()["coupon"]["name"] == "兑换券"
    again = client.post("/api/v1/coupons/redeem/", {"code": code}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "code_used")
    wrong = client.post("/api/v1/coupons/redeem/", {"code": "WRONGCODE2"}, format="json")
    assert (wrong.status_code, wrong.json()["fields"]) == (400, {"code": ["兑换码不正确。"]})
    login(store_a.host, "welcome-shopper")  # signing in again is not joining again
    with schema_context(store_a.schema):
        assert MemberCoupon.objects.filter(coupon__name="新人券").count() == 1
    connection.set_schema_to_public()
