"""Member levels: the default three; levels checked field by field (thresholds and benefits rising with the rank);
members rise by their received orders within the period (paid but unreceived orders do not count, refunds come
off), never fall by an evaluation, and staff moves are logged with a reason; a level's member price comes off the
lines no campaign prices (a product may set its own), its free shipping applies over its threshold, and its
points multiplier multiplies what received orders earn."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core.errors import ValidationFailed
from tenants.loyalty.accrual import points_accrue
from tenants.loyalty.levels import (
    LevelInput,
    level_save,
    levels_evaluate,
    member_level,
    member_level_set,
    member_levels,
)
from tenants.loyalty.models import LevelChange, MemberLevel, ProductLevelPrice
from tenants.loyalty.points import loyalty_settings_get, points_balance
from tenants.orders.services import checkout_preview, order_create, order_mark_paid
from tests.tenants.loyalty.test_points import _items, _receive, _refund


def _evaluate():
    return levels_evaluate(rules=loyalty_settings_get())


def test_the_default_levels_and_their_checks(in_alpha):
    assert [(lv.rank, lv.name, lv.spend_fen) for lv in member_levels()] == [(1, "粉丝", 0), (2, "VIP", 50_000),
                                                                            (3, "合伙人", 300_000)]
    with pytest.raises(ValidationFailed) as bad:
        level_save(level=None, values=LevelInput(rank=2, name=" ", spend_fen=0, price_off_bp=6000,
                                                 points_multiplier_bp=200_000))
    assert set(bad.value.fields) == {"name", "rank", "spend_fen", "price_off_bp", "points_multiplier_bp"}
    with pytest.raises(ValidationFailed) as backwards:  # asks for less than VIP, gives more than 合伙人
        level_save(level=None, values=LevelInput(rank=4, name="至尊", spend_fen=10_000, price_off_bp=900))
    assert set(backwards.value.fields) == {"spend_fen", "price_off_bp"}
    top = level_save(level=None, values=LevelInput(rank=4, name="至尊", spend_fen=1_000_000, price_off_bp=1500))
    assert top.rank == 4 and len(member_levels()) == 4


def test_members_rise_on_received_orders_and_never_fall_by_themselves(cart):
    member = cart["member"]
    first, _created = order_create(member=member, idempotency_key="level-0001", address_id=cart["address"],
                                   items=_items(cart, cream=6, lipstick=0), coupon_ids=[])  # 594.00
    order_mark_paid(order_id=first.pk, paid_fen=first.payable_fen, transaction_id="tx-l1", paid_at=timezone.now())
    assert _evaluate().risen == 0 and member_level(member_id=member.pk).name == "粉丝"  # paid is not received
    first.refresh_from_db()
    _receive_paid(first)
    result = _evaluate()
    assert (result.members, result.risen) == (1, 1) and member_level(member_id=member.pk).name == "VIP"
    assert LevelChange.objects.get(member_id=member.pk).reason == "消费达到升级条件"
    _refund(first, 1, 6, "R-all")  # every unit back: the spend falls to nothing
    assert _evaluate().risen == 0 and member_level(member_id=member.pk).name == "VIP"  # kept
    with pytest.raises(ValidationFailed) as no_reason:
        member_level_set(member_id=member.pk, rank=1, actor="owner", reason="")
    assert set(no_reason.value.fields) == {"reason"}
    member_level_set(member_id=member.pk, rank=1, actor="owner", reason="退款后复核")
    assert member_level(member_id=member.pk).name == "粉丝"
    assert list(LevelChange.objects.values_list("from_rank", "to_rank", "actor")) == [(2, 1, "owner"),
                                                                                      (1, 2, "system")]


def _receive_paid(order) -> None:
    from tenants.orders.services import order_confirm_receipt, order_ship

    order_ship(order=order, carrier_code="SF", tracking_no=f"SF{order.pk:010d}", actor="staff")
    order_confirm_receipt(order=order, actor="member")


def test_a_levels_member_price_free_shipping_and_points(cart):
    member = cart["member"]
    member_levels()
    member_level_set(member_id=member.pk, rank=3, actor="owner", reason="老客户")  # 合伙人: 10% off, free shipping
    preview = checkout_preview(member=member, address_id=cart["address"], items=_items(cart), coupon_ids=[])
    assert [line.discount_fen for line in preview.lines] == [990, 590]
    assert (preview.shipping_fen, preview.payable_fen) == (0, 15800 - 1580)
    assert [a.label for a in preview.adjustments] == ["合伙人会员价", "合伙人会员价", "合伙人会员包邮"]
    assert preview.promotions["member_level"] == {"rank": 3, "name": "合伙人", "discount_fen": 1580}
    ProductLevelPrice.objects.create(product_id=cart["lipstick_product"], rank=3, price_off_bp=0)  # no member price
    again = checkout_preview(member=member, address_id=cart["address"], items=_items(cart), coupon_ids=[])
    assert [line.discount_fen for line in again.lines] == [990, 0]
    MemberLevel.objects.filter(rank=3).update(free_shipping_over_fen=50_000)
    assert checkout_preview(member=member, address_id=cart["address"], items=_items(cart),
                            coupon_ids=[]).shipping_fen == 800  # 148.10 is short of 500
    order, _created = order_create(member=member, idempotency_key="level-0002", address_id=cart["address"],
                                   items=_items(cart), coupon_ids=[])
    _receive(order)
    points_accrue(rules=loyalty_settings_get())
    assert points_balance(member_id=member.pk) == 133 + 88  # 89.10 and 59.00 paid, at 1.5x the 1 a yuan
