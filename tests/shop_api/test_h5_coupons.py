"""Coupons on the H5 pages: the centre is open to visitors and claims in one tap once signed in (a second tap
is refused in place), my coupons by state, and checkout takes the best coupon unless the shopper picks another
or none; the order placed uses it."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.catalog.services import SkuInput, product_create
from tenants.marketing.models import MemberCoupon
from tenants.marketing.services import CouponInput, coupon_create
from tenants.members.models import Member
from tenants.orders.models import Order, ShippingTemplate
from tests.factories import AddressFactory
from tests.shop_api.test_h5_login import phone_login

PHONE = "13700137000"


@pytest.fixture
def shop(store_a):
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="运费", mode="flat", flat_fee_fen=600, is_default=True)
        big = coupon_create(values=CouponInput(name="满100减20", kind="amount_off", amount_fen=2000,
                                               threshold_fen=10000, total_quantity=3, valid_days=7))
        small = coupon_create(values=CouponInput(name="无门槛5元", kind="amount_off", amount_fen=500,
                                                 total_quantity=1, valid_days=7))
        sku = product_create(title="面霜", publish=True, skus=[SkuInput(price_fen=12000, stock=9)]).skus.get()
    connection.set_schema_to_public()
    return {"big": big.pk, "small": small.pk, "sku": sku.pk}


def _text(response) -> str:
    return unescape(response.content.decode())


def test_claim_in_the_centre_and_spend_at_checkout(client_a, store_a, sms_sandbox, shop):
    visitor = Client(HTTP_HOST=store_a.host)
    centre = _text(visitor.get("/coupons/"))
    assert "满 100.00 减 20.00" in centre and "立即领取" in centre and "剩余 3 张" in centre
    assert visitor.post(f"/coupons/{shop['big']}/claim/")["Location"].startswith("/login/")
    phone_login(client_a, PHONE, sms_sandbox)
    for coupon in ("big", "small"):
        claimed = _text(client_a.post(f"/coupons/{shop[coupon]}/claim/", follow=True))
        assert "领取成功" in claimed
    assert "已领取，去使用" in _text(client_a.get("/coupons/"))
    twice = _text(client_a.post(f"/coupons/{shop['big']}/claim/", follow=True))
    assert "每人限领 1 张" in twice
    assert "已抢光" in _text(visitor.get("/coupons/"))  # the only 无门槛5元 is gone
    mine = _text(client_a.get("/me/coupons/"))
    assert mine.count("data-member-coupon=") == 2 and "我的优惠券" in _text(client_a.get("/me/"))

    with schema_context(store_a.schema):
        address = AddressFactory(member=Member.objects.get(phone=PHONE)).pk
        small_held = MemberCoupon.objects.get(coupon_id=shop["small"]).pk
    connection.set_schema_to_public()
    url = f"/checkout/?items={shop['sku']}:1&address={address}"
    best = _text(client_a.get(url))
    assert "优惠券：满100减20" in best and "¥106.00" in best  # 120 − 20 + 6
    none = _text(client_a.get(url + "&coupon=none"))
    assert "优惠券：" not in none and "¥126.00" in none
    picked = _text(client_a.get(url + f"&coupon={small_held}"))
    assert "优惠券：无门槛5元" in picked and "¥121.00" in picked
    key = re.search(r'name="key" value="([^"]+)"', picked).group(1)
    placed = client_a.post("/checkout/", {"items": f"{shop['sku']}:1", "address": address, "key": key,
                                          "coupon": str(small_held)})
    assert placed.status_code == 302
    with schema_context(store_a.schema):
        order = Order.objects.get()
        assert order.discount_fen == 500 and order.pricing["promotions"] == {
            "coupons": [small_held], "coupon_discounts": {str(small_held): 500}}
        used = MemberCoupon.objects.get(pk=small_held)
        assert (used.status, used.discount_fen) == ("used", 500)
    connection.set_schema_to_public()
    assert _text(client_a.get("/me/coupons/?state=used")).count("data-member-coupon=") == 1
