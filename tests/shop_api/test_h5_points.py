"""Points and levels on the H5 pages: 我的 shows the balance and the level, the points card signs in once a day
and lists every change, the checkout offers the points in a box that re-prices the order, and the order placed
with it pays with them (a balance spent in the meantime is said in place, not a 500); the level card shows the way
to the next level and every level's benefits."""

from __future__ import annotations

import re

from django.db import connection
from django_tenants.utils import schema_context

from tenants.catalog.services import SkuInput, product_create
from tenants.loyalty.levels import member_level_set
from tenants.loyalty.points import points_balance, points_grant
from tenants.members.models import Member
from tenants.orders.models import Order, ShippingTemplate
from tests.factories import AddressFactory
from tests.shop_api.test_h5_login import phone_login


def test_points_card_sign_in_and_paying_with_points_at_checkout(client_a, store_a, sms_sandbox):
    client = client_a
    phone_login(client, "13800000011", sms_sandbox)
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="运费", mode="flat", flat_fee_fen=600, is_default=True)
        sku = product_create(title="护手霜", publish=True, skus=[SkuInput(price_fen=3900, stock=9)]).skus.get()
        member = Member.objects.get(phone="13800000011")
        address = AddressFactory(member=member).pk
        points_grant(member_id=member.pk, points=1500, key="h5:gift", memo="开业礼")
    connection.set_schema_to_public()
    me = client.get("/me/").content.decode()
    assert re.search(r'data-points>1500<', me)
    page = client.get("/me/points/").content.decode()
    assert "签到领 5 积分" in page and "开业礼" in page
    signed = client.post("/me/points/sign-in/", follow=True).content.decode()
    assert "签到成功，获得 5 积分" in signed and "今日已签到" in signed and 'data-points>1505<' in signed
    twice = client.post("/me/points/sign-in/", follow=True).content.decode()
    assert "今天已经签到过了。" in twice

    items = f"{sku.pk}:2"
    checkout = client.get(f"/checkout/?items={items}&address={address}").content.decode()
    assert "使用 1505 积分抵 ¥15.05" in checkout and 'name="points"' in checkout
    toggle = re.search(r'name="points" value="1505"[^>]*data-reprice="([^"]+)"', checkout).group(1)
    priced = client.get(toggle.replace("&amp;", "&")).content.decode()
    assert "积分抵扣（1505 积分）" in priced and "¥68.95" in priced  # 78.00 - 15.05 + 6.00
    key = re.search(r'name="key" value="([^"]+)"', priced).group(1)
    with schema_context(store_a.schema):
        points_grant(member_id=member.pk, points=1, key="h5:tiny", memo="x")
    connection.set_schema_to_public()
    placed = client.post("/checkout/", {"items": items, "address": address, "key": key, "coupon": "",
                                        "points": 1505})
    assert placed.status_code == 302
    with schema_context(store_a.schema):
        order = Order.objects.get()
        assert (order.discount_fen, order.payable_fen) == (1505, 6895)
        assert points_balance(member_id=member.pk) == 1
    # The same points again (a second tab, the balance spent since): refused in place, the page priced without.
    again = client.post("/checkout/", {"items": items, "address": address, "key": "another-key-000001",
                                       "coupon": "", "points": 1505})
    assert again.status_code == 400 and "最多可用 1 积分。" in again.content.decode()
    assert "使用 1 积分抵 ¥0.01" in again.content.decode()


def test_level_card_shows_the_way_to_the_next_level(client_a, store_a, sms_sandbox):
    phone_login(client_a, "13800000012", sms_sandbox)
    me = client_a.get("/me/").content.decode()
    assert 'data-level="1">粉丝 ›<' in me
    card = client_a.get("/me/level/").content.decode()
    assert "当前等级" in card and "再消费 ¥500.00 升级为VIP" in card and 'aria-valuenow="0"' in card
    assert "会员价：立减 10%" in card and "全场包邮" in card and "购物积分 1.5 倍" in card
    with schema_context(store_a.schema):
        member = Member.objects.get(phone="13800000012")
        member_level_set(member_id=member.pk, rank=3, actor="owner", reason="老客户")
    connection.set_schema_to_public()
    assert "已是最高等级" in client_a.get("/me/level/").content.decode()
