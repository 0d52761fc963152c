"""Promotions in headless Chromium: at 390 px a shopper sees the timed price with a live countdown and the
full-reduction tiers, opens 秒杀专区, grabs the flash item through the checkout at the flash price and reaches
the payment page; starts a group-buy team and opens its page from the order; the merchant's campaign screen and
calendar show the campaigns. Screenshots h5-product-promo, h5-flash, h5-checkout-flash, h5-group-team,
console-campaigns-flash, console-campaign-calendar."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from demo.promotions import promotions_seed
from shop_api.h5.session import TOKEN_COOKIE
from tenants.catalog.models import Product
from tenants.catalog.services import SkuInput, product_create
from tenants.marketing.models import FlashSale, GroupBuy
from tenants.members.models import Member
from tenants.members.tokens import member_token_issue
from tenants.orders.models import ShippingTemplate
from tenants.staff.services import staff_create_owner
from tests.browser.conftest import drop_store, open_store, shot
from tests.factories import AddressFactory

pytestmark = pytest.mark.browser
PASSWORD = "Promo-Pass-2026"


@pytest.fixture
def promo_store(live):
    with transaction.atomic():
        tenant = open_store("h5-promo", "小雨美妆")
        with schema_context(tenant.schema_name):
            ShippingTemplate.objects.create(name="运费", mode="flat", flat_fee_fen=800, free_over_fen=9900,
                                            is_default=True)
            for i, (title, price) in enumerate((("玻尿酸保湿面霜", 19900), ("烟酰胺精华", 26900), ("氨基酸洁面", 8900),
                                                ("丝绒哑光口红", 15900), ("防晒喷雾", 12900), ("卸妆油", 9900),
                                                ("眼霜", 29900), ("面膜 10 片", 7900))):
                product_create(title=title, publish=True, skus=[SkuInput(price_fen=price, stock=30 + i)])
            assert promotions_seed()
            staff_create_owner(login="owner@promo.test", password=PASSWORD)
            member = Member.objects.create(openid="o-promo-shopper", nickname="小雨", phone="13900139001")
            address = AddressFactory(member=member).pk
            token = member_token_issue(member=member)
            cream = Product.objects.get(title="玻尿酸保湿面霜").pk
            flash_product = FlashSale.objects.filter(starts_at__lte=timezone.now()).get().items.get().sku.product_id
            group_product = GroupBuy.objects.get().sku.product_id
    yield {"token": token, "address": address, "cream": cream, "flash_product": flash_product,
           "group_product": group_product}
    drop_store("h5-promo")


def test_timed_price_flash_buy_and_the_merchant_calendar(browser, live, promo_store):
    base = f"http://h5-promo.localhost:{live}"
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    context.add_cookies([{"name": TOKEN_COOKIE, "value": promo_store["token"], "url": base}])
    page = context.new_page()
    page.goto(f"{base}/products/{promo_store['cream']}/")
    assert page.text_content("[data-price]") == "169.15"  # 八五折 of 199.00
    assert "满 199.00 减 20.00" in page.text_content("#reductions")
    clock = page.locator("#timed-discount [data-ends]")
    first = clock.text_content()
    assert re.fullmatch(r"(\d+天 )?\d\d:\d\d:\d\d", first)
    page.wait_for_function("t => document.querySelector('#timed-discount [data-ends]').textContent !== t", arg=first)
    shot(page, "h5-product-promo")

    page.goto(f"{base}/flash/")
    assert page.locator("[data-flash]").count() == 2  # today's and tomorrow's
    shot(page, "h5-flash")
    page.goto(f"{base}/products/{promo_store['flash_product']}/")
    assert "仅剩 10 件" in page.text_content("#flash")
    with page.expect_navigation():
        page.click("#flash >> text=立即抢购")
    page.check(f"input[name=address][value='{promo_store['address']}']")
    page.wait_for_selector("#sums >> text=秒杀价")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "h5-checkout-flash")
    with page.expect_navigation():
        page.click("button:has-text('提交订单')")
    assert "/pay/" in page.url
    page.goto(f"{base}/products/{promo_store['flash_product']}/")
    assert "仅剩 9 件" in page.text_content("#flash")

    page.goto(f"{base}/products/{promo_store['group_product']}/")
    with page.expect_navigation():
        page.click("#group-buy >> text=发起拼团")
    page.wait_for_selector("#sums >> text=拼团价")
    with page.expect_navigation():
        page.click("button:has-text('提交订单')")
    number = page.url.rstrip("/").split("/")[-2]
    page.goto(f"{base}/orders/{number}/")
    with page.expect_navigation():
        page.click("#order-group")
    assert "还差 1 人成团" in page.text_content("#group-team")
    page.wait_for_function("document.querySelector('#group-team [data-ends]').textContent.includes(':')")
    shot(page, "h5-group-team")
    context.close()

    console = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    merchant = console.new_page()
    merchant.goto(f"{base}/console/login/")
    merchant.fill("#login", "owner@promo.test")
    merchant.fill("#password", PASSWORD)
    merchant.click("button[type=submit]")
    merchant.wait_for_url(f"{base}/console/")
    merchant.goto(f"{base}/console/marketing/flash/")
    assert "今日秒杀" in merchant.text_content("#campaign-table") and "已抢 1 / 10" in merchant.text_content(
        "#campaign-table")
    shot(merchant, "console-campaigns-flash")
    merchant.goto(f"{base}/console/marketing/calendar/")
    today = timezone.localdate()
    if (today + timedelta(days=10)).month == today.month:
        assert merchant.locator("#campaign-calendar .ev.reductions").count() >= 10
    assert merchant.locator("#campaign-calendar .ev.flash").count() >= 1
    shot(merchant, "console-campaign-calendar")
    console.close()
