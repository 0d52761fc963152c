"""Coupons in headless Chromium at 390 px: a signed-in shopper claims in the coupon centre, finds the coupon
applied at checkout, picks "no coupon" (the total follows) and back; screenshots h5-coupons, h5-checkout-coupon."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from shop_api.h5.session import TOKEN_COOKIE
from tenants.catalog.services import SkuInput, product_create
from tenants.marketing.services import CouponInput, coupon_create
from tenants.members.models import Member
from tenants.members.tokens import member_token_issue
from tenants.orders.models import ShippingTemplate
from tests.browser.conftest import drop_store, open_store, shot
from tests.factories import AddressFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def coupon_store(live):
    with transaction.atomic():
        tenant = open_store("h5-coupons", "小雨美妆")
        with schema_context(tenant.schema_name):
            ShippingTemplate.objects.create(name="运费", mode="flat", flat_fee_fen=800, is_default=True)
            for name, amount, threshold in (("满199减30", 3000, 19900), ("新人无门槛5元", 500, 0)):
                coupon_create(values=CouponInput(name=name, kind="amount_off", amount_fen=amount,
                                                 threshold_fen=threshold, total_quantity=100, valid_days=7))
            sku = product_create(title="玻尿酸保湿面霜", publish=True, skus=[SkuInput(price_fen=19900, stock=5)]
                                 ).skus.get()
            member = Member.objects.create(openid="o-coupon-shopper", nickname="小雨", phone="13900139000")
            address = AddressFactory(member=member).pk
            token = member_token_issue(member=member)
    yield {"sku": sku.pk, "address": address, "token": token}
    drop_store("h5-coupons")


def test_claim_then_see_the_coupon_at_checkout(browser, live, coupon_store):
    base = f"http://h5-coupons.localhost:{live}"
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    context.add_cookies([{"name": TOKEN_COOKIE, "value": coupon_store["token"], "url": base}])
    page = context.new_page()
    page.goto(f"{base}/coupons/")
    for _n in range(2):
        page.click("button:has-text('立即领取') >> nth=0")
        page.wait_for_selector(".flash >> text=领取成功")
    assert page.locator("text=已领取，去使用").count() == 2
    shot(page, "h5-coupons")
    page.goto(f"{base}/checkout/?items={coupon_store['sku']}:1&address={coupon_store['address']}")
    assert "优惠券：满199减30" in page.text_content("#sums")
    assert page.text_content("[data-payable]") == "¥177.00"  # 199 − 30 + 8
    shot(page, "h5-checkout-coupon")
    with page.expect_navigation():
        page.check("input[name=coupon][value=none]")
    assert page.text_content("[data-payable]") == "¥207.00"
    with page.expect_navigation():
        page.check("input[name=coupon][value='']")
    assert page.text_content("[data-payable]") == "¥177.00"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
