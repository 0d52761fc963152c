"""Members, points and invitations in headless Chromium: at 390 px a shopper signs in for today's points on 我的积分,
sees the level card with the way to VIP, pays part of an order with points by ticking the box at checkout, and
opens 邀请有礼; the merchant's member list, a member's record, the levels and the share rewards screens show them,
and a segment is made on 标签与分群.
Screenshots h5-points, h5-level, h5-checkout-points, h5-invite, console-members, console-member, console-levels,
console-share-rewards, console-audiences."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from shop_api.h5.session import TOKEN_COOKIE
from tenants.catalog.services import SkuInput, product_create
from tenants.loyalty.levels import levels_evaluate
from tenants.loyalty.points import loyalty_settings_get, points_grant
from tenants.marketing.sharing import share_settings_update
from tenants.members.models import Member
from tenants.members.tokens import member_token_issue
from tenants.orders.models import ShippingTemplate
from tenants.staff.services import staff_create_owner
from tests.browser.conftest import drop_store, open_store, shot
from tests.factories import AddressFactory

pytestmark = pytest.mark.browser
PASSWORD = "Members-Pass-2026"


@pytest.fixture
def members_store(live):
    with transaction.atomic():
        tenant = open_store("h5-members", "小雨美妆")
        with schema_context(tenant.schema_name):
            ShippingTemplate.objects.create(name="运费", mode="flat", flat_fee_fen=800, is_default=True)
            sku = product_create(title="玻尿酸保湿面霜", publish=True,
                                 skus=[SkuInput(price_fen=19900, stock=30)]).skus.get()
            staff_create_owner(login="owner@members.test", password=PASSWORD)
            member = Member.objects.create(openid="o-members-shopper", nickname="小雨", phone="13900139002")
            address = AddressFactory(member=member).pk
            points_grant(member_id=member.pk, points=2600, key="browser:gift", memo="开业礼")
            share_settings_update(enabled=True, new_member_points=50, new_member_coupons=False, order_points=100,
                                  order_coupons=False, daily_cap=10, window_days=30)
            levels_evaluate(rules=loyalty_settings_get())
            token = member_token_issue(member=member)
    yield {"token": token, "address": address, "sku": sku.pk, "member": member.pk}
    drop_store("h5-members")


def test_points_level_invitations_and_the_merchant_screens(browser, live, members_store):
    base = f"http://h5-members.localhost:{live}"
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    context.add_cookies([{"name": TOKEN_COOKIE, "value": members_store["token"], "url": base}])
    page = context.new_page()
    page.goto(f"{base}/me/points/")
    with page.expect_navigation():
        page.click("button:has-text('签到领 5 积分')")
    assert page.text_content(".points-card [data-points]") == "2605"
    assert "今日已签到" in page.text_content(".points-card")
    shot(page, "h5-points")
    page.goto(f"{base}/me/level/")
    assert "再消费 ¥500.00 升级为VIP" in page.text_content(".level-card")
    shot(page, "h5-level")
    page.goto(f"{base}/checkout/?items={members_store['sku']}:1&address={members_store['address']}")
    assert "使用 2605 积分抵 ¥26.05" in page.text_content(".points-choice")
    with page.expect_navigation():
        page.check(".points-choice input[name=points]")
    page.wait_for_selector("#sums >> text=积分抵扣")
    assert page.text_content("[data-payable]") == "¥180.95"  # 199.00 − 26.05 + 8.00
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "h5-checkout-points")
    with page.expect_navigation():
        page.click("button:has-text('提交订单')")
    assert "/pay/" in page.url
    page.goto(f"{base}/me/invite/")
    assert "?sc=" in page.input_value("[data-share-link]")
    shot(page, "h5-invite")
    context.close()

    console = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    merchant = console.new_page()
    merchant.goto(f"{base}/console/login/")
    merchant.fill("#login", "owner@members.test")
    merchant.fill("#password", PASSWORD)
    merchant.click("button[type=submit]")
    merchant.wait_for_url(f"{base}/console/")
    merchant.goto(f"{base}/console/members/")
    assert "小雨" in merchant.text_content("#member-table")
    shot(merchant, "console-members")
    merchant.goto(f"{base}/console/members/{members_store['member']}/")
    assert "积分抵扣" in merchant.text_content("#points-history")
    shot(merchant, "console-member")
    merchant.goto(f"{base}/console/members/levels/")
    assert merchant.locator("#level-table tr[data-level]").count() == 3
    shot(merchant, "console-levels")
    merchant.goto(f"{base}/console/marketing/share/")
    shot(merchant, "console-share-rewards")
    merchant.goto(f"{base}/console/members/audiences/")
    merchant.fill("#id_segment-name", "近 30 天复购")
    merchant.fill("#id_segment-paid_within_days", "30")
    merchant.fill("#id_segment-min_orders", "2")
    with merchant.expect_navigation():
        merchant.click("button[value=segment]")
    assert "近 30 天复购" in merchant.text_content("#segments")
    shot(merchant, "console-audiences")
    console.close()
