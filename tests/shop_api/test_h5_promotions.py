"""Promotions on the H5 pages: a product in a timed discount shows its price, the usual one struck through and a
countdown, and the full-reduction tiers that cover it; a flash sale shows on the product page and in 秒杀专区, and
the shopper buys it at the flash price through the checkout (once, however often the button is pressed); then
it is sold out for the next; a group buy is opened from the product page and its team page invites others; a
member whose level opens flash sales early sees the sale open before its start."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.catalog.services import SkuInput, product_create
from tenants.loyalty.levels import member_level_set, member_levels
from tenants.loyalty.models import MemberLevel
from tenants.marketing.campaigns import (
    DiscountItemInput,
    FlashItemInput,
    FlashSaleInput,
    FullReductionInput,
    TimedDiscountInput,
    flash_sale_create,
    full_reduction_create,
    timed_discount_create,
)
from tenants.marketing.groups import GroupBuyInput, group_buy_create
from tenants.marketing.models import GroupTeam
from tenants.marketing.services import CouponInput, coupon_create
from tenants.members.models import Member
from tenants.orders.models import Order, ShippingTemplate
from tests.factories import AddressFactory
from tests.shop_api.test_h5_login import phone_login

HOUR = timedelta(hours=1)


def _text(response) -> str:
    return unescape(response.content.decode())


def test_timed_price_reductions_and_a_flash_buy(client_a, store_a, sms_sandbox):
    now = timezone.now()
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        cream = product_create(title="面霜", publish=True, skus=[SkuInput(price_fen=20000, stock=9)])
        lipstick = product_create(title="口红", publish=True, skus=[SkuInput(price_fen=15900, stock=9)])
        timed_discount_create(values=TimedDiscountInput(name="周末", starts_at=now - HOUR, ends_at=now + 2 * HOUR,
                                                        items=[DiscountItemInput(product_id=cream.pk,
                                                                                 percent_off_bp=2000)]))
        full_reduction_create(values=FullReductionInput(name="满减", starts_at=now - HOUR, ends_at=now + HOUR,
                                                        tiers=[{"threshold_fen": 30000, "amount_fen": 3000}]))
        coupon_create(values=CouponInput(name="满100减10", kind="amount_off", amount_fen=1000, threshold_fen=10000,
                                         total_quantity=5, valid_days=3))
        sku = lipstick.skus.get()
        item = flash_sale_create(values=FlashSaleInput(
            name="秒杀", starts_at=now - HOUR, ends_at=now + HOUR,
            items=[FlashItemInput(sku_id=sku.pk, price_fen=5900, quota=1)])).items.get()
    connection.set_schema_to_public()
    visitor = Client(HTTP_HOST=store_a.host)
    page = _text(visitor.get(f"/products/{cream.pk}/"))
    assert "¥<span data-price>160.00</span> <s data-original>¥200.00</s>" in page
    assert 'id="timed-discount"' in page and "data-ends=" in page and "满 300.00 减 30.00" in page
    assert "满 100.00 减 10.00" in page.split('id="product-coupons"')[1].split("</div>")[0]  # to claim here
    flash_page = _text(visitor.get(f"/products/{lipstick.pk}/"))
    assert 'id="flash"' in flash_page and "¥59.00" in flash_page and "仅剩 1 件" in flash_page
    assert "登录抢购" in flash_page
    assert "口红" in _text(visitor.get("/flash/")) and "剩 1 / 1 件" in _text(visitor.get("/flash/"))

    phone_login(client_a, "13700137001", sms_sandbox)
    claim = re.search(r'action="(/coupons/\d+/claim/)"', _text(client_a.get(f"/products/{cream.pk}/"))).group(1)
    back = client_a.post(claim, {"next": f"/products/{cream.pk}/"})
    assert back["Location"] == f"/products/{cream.pk}/"
    again = _text(client_a.post(claim, {"next": f"/products/{cream.pk}/"}, follow=True))
    assert "每人限领 1 张" in again  # said on the product page it came back to
    with schema_context(store_a.schema):
        address = AddressFactory(member=Member.objects.get(phone="13700137001")).pk
    connection.set_schema_to_public()
    link = re.search(r'href="(/checkout/\?items=[^"]+)"', _text(client_a.get(f"/products/{lipstick.pk}/"))).group(1)
    checkout = _text(client_a.get(f"{link}&address={address}"))
    assert "秒杀价" in checkout and "¥59.00" in checkout
    key = re.search(r'name="key" value="([^"]+)"', checkout).group(1)
    posted = {"items": f"{sku.pk}:1", "address": address, "key": key, "flash": item.pk}
    first = client_a.post("/checkout/", posted)
    again = client_a.post("/checkout/", posted)  # a double tap
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    with schema_context(store_a.schema):
        order = Order.objects.get()
        assert order.payable_fen == 5900
    connection.set_schema_to_public()
    assert "已抢光" in _text(client_a.get(f"/products/{lipstick.pk}/"))
    refused = client_a.post("/checkout/", {**posted, "key": "another-key-0001"})
    assert refused.status_code == 400 and "秒杀商品已抢光" in _text(refused)  # refused in place, at the gate


def test_a_group_buy_opened_and_joined_in_the_browser_pages(client_a, store_a, sms_sandbox):
    now = timezone.now()
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        mask = product_create(title="拼团面膜", publish=True, skus=[SkuInput(price_fen=9900, stock=9)])
        sku = mask.skus.get()
        group = group_buy_create(values=GroupBuyInput(name="两人团", starts_at=now - HOUR, ends_at=now + 30 * HOUR,
                                                      sku_id=sku.pk, price_fen=4900, group_size=2, hours=24))
    connection.set_schema_to_public()
    assert "登录拼团" in _text(Client(HTTP_HOST=store_a.host).get(f"/products/{mask.pk}/"))
    phone_login(client_a, "13700137002", sms_sandbox)
    with schema_context(store_a.schema):
        address = AddressFactory(member=Member.objects.get(phone="13700137002")).pk
    connection.set_schema_to_public()
    page = _text(client_a.get(f"/products/{mask.pk}/"))
    link = re.search(r'href="(/checkout/\?items=[^"]+&group=\d+)"', page).group(1)
    checkout = _text(client_a.get(f"{link}&address={address}"))
    assert "拼团价" in checkout and "¥49.00" in checkout
    key = re.search(r'name="key" value="([^"]+)"', checkout).group(1)
    placed = client_a.post("/checkout/", {"items": f"{sku.pk}:1", "address": address, "key": key, "group": group.pk})
    assert placed.status_code == 302
    with schema_context(store_a.schema):
        team = GroupTeam.objects.get()
        number = Order.objects.get().number
    connection.set_schema_to_public()
    assert f"/groups/teams/{team.pk}/" in _text(client_a.get(f"/orders/{number}/"))
    mine = _text(client_a.get(f"/groups/teams/{team.pk}/"))
    assert "还差 1 人成团" in mine and "邀请好友参团" in mine
    visitor = _text(Client(HTTP_HOST=store_a.host).get(f"/groups/teams/{team.pk}/"))
    assert f"team={team.pk}" in visitor and "¥49.00 参团" in visitor


def test_a_level_with_early_access_sees_the_flash_sale_open_before_the_start(client_a, store_a, sms_sandbox):
    now = timezone.now()
    phone_login(client_a, "13800000031", sms_sandbox)
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        lipstick = product_create(title="口红", publish=True, skus=[SkuInput(price_fen=15900, stock=9)])
        flash_sale_create(values=FlashSaleInput(name="整点秒杀", starts_at=now + timedelta(minutes=20),
                                                ends_at=now + 2 * HOUR, items=[FlashItemInput(
                                                    sku_id=lipstick.skus.get().pk, price_fen=5900, quota=3)]))
        member_levels()
        MemberLevel.objects.filter(rank=3).update(early_access_minutes=30)
        member = Member.objects.get(phone="13800000031")
    connection.set_schema_to_public()
    assert "会员提前抢" not in _text(client_a.get(f"/products/{lipstick.pk}/"))  # 粉丝: wait for the start
    with schema_context(store_a.schema):
        member_level_set(member_id=member.pk, rank=3, actor="owner", reason="合伙人")
    connection.set_schema_to_public()
    page = _text(client_a.get(f"/products/{lipstick.pk}/"))
    assert 'id="flash-early"' in page and "会员提前抢" in page
