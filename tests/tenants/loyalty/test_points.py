"""Points: offered at checkout up to the store's share and the balance, allocated to the lines so they sum exactly,
spent when the order is placed and given back when it is cancelled; earned once an order is received (set-based,
once), a refund gives back the points its units spent and takes back what they earned (written off, never below
zero, unless the store allows a negative balance); expiring past the store's cut-off, oldest first; a daily
sign-in with a streak bonus; a review earns its points once; every change balances in the ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, ValidationFailed
from tenants.ledger.models import Journal
from tenants.ledger.selectors import ledger_reconcile
from tenants.loyalty.accrual import points_accrue, points_expire
from tenants.loyalty.models import LinePoints, LoyaltySettings, PointsDue
from tenants.loyalty.points import loyalty_settings_get, points_adjust, points_balance, points_grant, points_sign_in
from tenants.orders.aftersales import refund_share_fen
from tenants.orders.models import OrderLine
from tenants.orders.reviews import review_create, review_moderate
from tenants.orders.services import (
    checkout_preview,
    order_cancel,
    order_confirm_receipt,
    order_create,
    order_mark_paid,
    order_refund_succeeded,
    order_ship,
)


def _items(cart, cream=1, lipstick=1):
    return [{"sku_id": cart["cream"], "quantity": cream}] * bool(cream) + \
        [{"sku_id": cart["lipstick"], "quantity": lipstick}] * bool(lipstick)


def _give(member, points: int, key: str = "gift") -> None:
    points_grant(member_id=member.pk, points=points, key=f"test:{key}:{member.pk}", memo="test")


def _buy(cart, points: int, key: str = "order-0001", **quantities):
    order, _created = order_create(member=cart["member"], idempotency_key=key, address_id=cart["address"],
                                   items=_items(cart, **quantities), coupon_ids=[], points=points)
    return order


def _receive(order) -> None:
    order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id=f"tx-{order.pk}",
                    paid_at=timezone.now())
    order.refresh_from_db()
    order_ship(order=order, carrier_code="SF", tracking_no=f"SF{order.pk:010d}", actor="staff")
    order_confirm_receipt(order=order, actor="member")


def _refund(order, position: int, quantity: int, no: str) -> None:
    line = OrderLine.objects.get(order=order, position=position)
    amount = refund_share_fen(line=line, quantity=quantity)
    order_refund_succeeded(order_id=order.pk, after_sale_id=None, amount_fen=amount,
                           lines={line.pk: (quantity, amount)}, refund_no=no)


def test_points_are_offered_allocated_and_spent(cart):
    member = cart["member"]
    _give(member, 1000)
    preview = checkout_preview(member=member, address_id=cart["address"], items=_items(cart), coupon_ids=[])
    # Half of the goods (158.00) may be paid in points, 1 point = 1 fen; the balance is the smaller.
    assert preview.offers["points"] == {"balance": 1000, "max_points": 1000, "max_fen": 1000, "fen_per_point": 1,
                                        "min_points": 0}
    with pytest.raises(ValidationFailed) as too_many:
        checkout_preview(member=member, address_id=cart["address"], items=_items(cart), coupon_ids=[], points=1001)
    assert too_many.value.code == "points_over_limit" and "points" in too_many.value.fields
    order = _buy(cart, 800)
    # 800 fen by 9900 : 5900, largest remainder: 501.27 and 298.73 -> 501 and 299.
    assert [line.discount_fen for line in order.lines.order_by("position")] == [501, 299]
    assert order.payable_fen == 15800 - 800 + 800  # plus ¥8 shipping
    assert order.pricing["promotions"]["points"] == {"points": 800, "fen": 800, "lines": {"1": [501, 501],
                                                                                           "2": [299, 299]}}
    assert points_balance(member_id=member.pk) == 200
    assert sorted(LinePoints.objects.values_list("spent", flat=True)) == [299, 501]
    again, created = order_create(member=member, idempotency_key="order-0001", address_id=cart["address"],
                                  items=_items(cart), coupon_ids=[], points=800)
    assert (again.pk, created, points_balance(member_id=member.pk)) == (order.pk, False, 200)
    with pytest.raises(ValidationFailed) as short:  # the balance is 200 now
        _buy(cart, 300, key="order-0002")
    assert short.value.fields == {"points": ["最多可用 200 积分。"]}
    order_cancel(order=order, reason="不要了", actor="member")
    assert points_balance(member_id=member.pk) == 1000
    assert ledger_reconcile().ok


def test_the_store_share_and_rate_cap_what_points_pay(cart):
    rules = loyalty_settings_get()
    rules.redeem_points_per_yuan, rules.redeem_max_share_bp, rules.redeem_min_points = 10, 1000, 50
    rules.save()
    _give(cart["member"], 100_000)
    preview = checkout_preview(member=cart["member"], address_id=cart["address"], items=_items(cart), coupon_ids=[])
    # 10 points = ¥1, so 1 point = 10 fen; 10% of 158.00 = 15.80 -> 158 points at most (15.80).
    assert (preview.offers["points"]["max_points"], preview.offers["points"]["max_fen"]) == (158, 1580)
    used = checkout_preview(member=cart["member"], address_id=cart["address"], items=_items(cart), coupon_ids=[],
                            points=158)
    assert used.discount_fen == 1580 and all(line.discount_fen % 10 == 0 for line in used.lines)
    rules.points_enabled = False
    rules.save()
    with pytest.raises(ValidationFailed):
        checkout_preview(member=cart["member"], address_id=cart["address"], items=_items(cart), coupon_ids=[],
                         points=10)


def test_received_orders_earn_once_and_refunds_reverse_exactly(cart):
    member = cart["member"]
    _give(member, 800)
    order = _buy(cart, 800)
    assert PointsDue.objects.count() == 0  # not paid yet
    _receive(order)
    assert list(PointsDue.objects.values_list("order_id", flat=True)) == [order.pk]
    result = points_accrue(rules=loyalty_settings_get())
    # 1 point per yuan of what each line paid: 93.99 -> 93, 56.01 -> 56.
    assert (result.orders, result.points) == (1, 149)
    assert points_accrue(rules=loyalty_settings_get()).orders == 0  # once
    assert points_balance(member_id=member.pk) == 149
    _refund(order, 1, 1, "R1")  # the cream: its 501 spent points back, its 93 earned ones taken back
    assert points_balance(member_id=member.pk) == 149 + 501 - 93
    _refund(order, 1, 1, "R1")  # the same refund notified twice changes nothing
    assert points_balance(member_id=member.pk) == 557
    _refund(order, 2, 1, "R2")
    assert points_balance(member_id=member.pk) == 800  # everything back where it started
    lines = LinePoints.objects.order_by("order_line_id")
    assert [(lp.spent_returned, lp.earned_reversed) for lp in lines] == [(501, 93), (299, 56)]
    assert ledger_reconcile().ok


def test_points_already_spent_are_written_off_unless_the_store_allows_a_negative_balance(cart):
    member = cart["member"]
    first = _buy(cart, 0, key="order-0001")
    _receive(first)
    points_accrue(rules=loyalty_settings_get())
    assert points_balance(member_id=member.pk) == 158
    _buy(cart, 158, key="order-0002", lipstick=0)  # spends them all
    _refund(first, 1, 1, "R1")
    assert points_balance(member_id=member.pk) == 0
    assert LinePoints.objects.get(order_line_id=first.lines.get(position=1).pk).reverse_written_off == 99
    rules = loyalty_settings_get()
    rules.allow_negative = True
    rules.save()
    _refund(first, 2, 1, "R2")
    assert points_balance(member_id=member.pk) == -59
    assert ledger_reconcile().ok


def test_a_fully_refunded_order_never_earns(cart):
    order = _buy(cart, 0)
    order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="tx", paid_at=timezone.now())
    _refund(order, 1, 1, "R1")
    _refund(order, 2, 1, "R2")
    assert not PointsDue.objects.exists()
    assert points_accrue(rules=loyalty_settings_get()).orders == 0


def test_points_expire_past_the_cut_off_oldest_first(cart):
    member = cart["member"]
    _give(member, 300, key="old")
    rules = loyalty_settings_get()
    now = timezone.now()
    assert points_expire(rules=rules, now=now).points == 0  # earned this year: good until the end of next year
    _buy(cart, 100, key="order-0001", lipstick=0)  # the oldest are spent first
    later = now.replace(year=now.year + 2)
    assert points_expire(rules=rules, now=later).points == 200
    assert points_expire(rules=rules, now=later).points == 0  # once
    assert points_balance(member_id=member.pk) == 0
    rules.expiry, rules.expiry_days = LoyaltySettings.Expiry.ROLLING, 30
    _give(member, 50, key="new")
    assert points_expire(rules=rules, now=now + timedelta(days=10)).points == 0
    assert points_expire(rules=rules, now=now + timedelta(days=31)).points == 50
    rules.expiry = LoyaltySettings.Expiry.NEVER
    _give(member, 70, key="forever")
    assert points_expire(rules=rules, now=later.replace(year=later.year + 10)).points == 0
    assert ledger_reconcile().ok


def test_sign_in_once_a_day_with_a_streak_bonus(cart):
    member = cart["member"]
    start = timezone.now() - timedelta(days=10)
    for day in range(7):
        points_sign_in(member_id=member.pk, now=start + timedelta(days=day))
    with pytest.raises(Conflict) as twice:
        points_sign_in(member_id=member.pk, now=start + timedelta(days=6, seconds=5))
    assert twice.value.code == "signed_in_today"
    assert points_balance(member_id=member.pk) == 7 * 5 + 20  # the 7th day in a row earns the bonus
    assert points_sign_in(member_id=member.pk, now=start + timedelta(days=9)).streak == 1  # the streak broke


def test_a_published_review_earns_once_and_staff_adjust_with_a_reason(cart):
    member = cart["member"]
    order = _buy(cart, 0)
    _receive(order)
    review = review_create(member=member, order_line_id=order.lines.get(position=1).pk, rating=5, text="好用",
                           photos=[])
    assert review.status == "pending" and points_balance(member_id=member.pk) == 0  # the store approves first
    review_moderate(review=review, action="publish", actor="owner")
    review_moderate(review=review, action="hide", actor="owner")
    review_moderate(review=review, action="publish", actor="owner")
    assert points_balance(member_id=member.pk) == 10
    with pytest.raises(ValidationFailed) as no_reason:
        points_adjust(member_id=member.pk, points=50, reason=" ", actor="owner", key="adj-1")
    assert set(no_reason.value.fields) == {"reason"}
    points_adjust(member_id=member.pk, points=-10, reason="补偿撤回", actor="owner", key="adj-2")
    with pytest.raises(Conflict):
        points_adjust(member_id=member.pk, points=-1, reason="多扣", actor="owner", key="adj-3")
    assert points_balance(member_id=member.pk) == 0
    assert Journal.objects.get(idempotency_key="adj-2").memo == "owner: 补偿撤回"
