"""A property test of points on real orders and the real ledger: random sequences of grants, checkouts paying with
points, cancellations, receipts, accruals, partial refunds and expiries. After every step the books balance
(each account's balance is the sum of its entries, points and money apart) and no balance is below zero unless
the store allows it; every line returns no more than it spent and takes back no more than it earned; a line
refunded in full has returned exactly what it spent and taken back exactly what it earned (what a short balance
could not give is written off, on the line)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import Conflict, ValidationFailed
from tenants.ledger.selectors import ledger_reconcile
from tenants.loyalty.accrual import points_accrue, points_expire
from tenants.loyalty.models import LinePoints
from tenants.loyalty.points import loyalty_settings_get, points_balance, points_grant
from tenants.orders.aftersales import refund_share_fen
from tenants.orders.models import Order, OrderLine
from tenants.orders.services import (
    checkout_preview,
    order_cancel,
    order_confirm_receipt,
    order_create,
    order_mark_paid,
    order_refund_succeeded,
    order_ship,
)

# Steps aim at the first few orders, so that orders get received, refunded in part and then in full.
op = st.one_of(
    st.tuples(st.just("grant"), st.integers(1, 20_000)),
    st.tuples(st.just("order"), st.integers(0, 100), st.integers(1, 2), st.integers(0, 2)),
    st.tuples(st.just("cancel"), st.integers(0, 2)),
    st.tuples(st.just("receive"), st.integers(0, 2)),
    st.tuples(st.just("receive"), st.integers(0, 2)),
    st.tuples(st.just("accrue")),
    st.tuples(st.just("refund"), st.integers(0, 2), st.integers(1, 2), st.integers(1, 2)),
    st.tuples(st.just("refund"), st.integers(0, 2), st.integers(1, 2), st.integers(1, 2)),
    st.tuples(st.just("expire"), st.integers(0, 3)),
)


class _Undo(Exception):
    """Raised to roll an example back."""


def _step(cart, orders: list[Order], step: tuple, n: int) -> None:
    member, kind = cart["member"], step[0]
    if kind == "grant":
        points_grant(member_id=member.pk, points=step[1], key=f"prop:{n}", memo="gift")
    elif kind == "order":
        items = [{"sku_id": cart["cream"], "quantity": step[2]}] + \
            ([{"sku_id": cart["lipstick"], "quantity": step[3]}] if step[3] else [])
        offer = checkout_preview(member=member, address_id=cart["address"], items=items,
                                 coupon_ids=[]).offers["points"]["max_points"]
        order, _created = order_create(member=member, idempotency_key=f"prop-order-{n:04d}",
                                       address_id=cart["address"], items=items, coupon_ids=[],
                                       points=offer * step[1] // 100)
        orders.append(order)
    elif not orders or kind in {"accrue", "expire"}:
        if kind == "accrue":
            points_accrue(rules=loyalty_settings_get())
        elif kind == "expire":
            now = timezone.now()
            points_expire(rules=loyalty_settings_get(), now=now.replace(year=now.year + step[1]))
    else:
        order = Order.objects.get(pk=orders[step[1] % len(orders)].pk)
        if kind == "cancel" and order.status == Order.Status.PENDING_PAYMENT:
            order_cancel(order=order, reason="prop", actor="member")
        elif kind == "receive" and order.status == Order.Status.PENDING_PAYMENT:
            order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id=f"tx-{order.pk}",
                            paid_at=timezone.now())
            order.refresh_from_db()
            order_ship(order=order, carrier_code="SF", tracking_no=f"SF{order.pk:010d}", actor="staff")
            order_confirm_receipt(order=order, actor="member")
        elif kind == "refund" and order.status in (Order.Status.RECEIVED, Order.Status.PAID):
            line = OrderLine.objects.filter(order=order, position=step[2]).first()
            if line is None or line.refunded_quantity >= line.quantity:
                return
            quantity = min(step[3], line.quantity - line.refunded_quantity)
            amount = refund_share_fen(line=line, quantity=quantity)
            order_refund_succeeded(order_id=order.pk, after_sale_id=None, amount_fen=amount,
                                   lines={line.pk: (quantity, amount)}, refund_no=f"R{n}")


def _check(member_id: int, allow_negative: bool) -> None:
    assert ledger_reconcile().ok
    if not allow_negative:
        assert points_balance(member_id=member_id) >= 0
    lines = {line.pk: line for line in OrderLine.objects.filter(order__member_id=member_id)}
    for lp in LinePoints.objects.filter(member_id=member_id):
        assert lp.spent_returned <= lp.spent and lp.earned_reversed <= lp.earned
        line = lines[lp.order_line_id]
        if line.refunded_quantity >= line.quantity:
            assert lp.spent_returned == lp.spent and lp.earned_reversed == lp.earned
        if allow_negative:
            assert lp.reverse_written_off == 0


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(op, min_size=4, max_size=16), allow_negative=st.booleans())
def test_points_stay_exact_through_any_sequence(cart, steps, allow_negative):
    rules = loyalty_settings_get()
    rules.allow_negative = allow_negative
    rules.save()
    try:
        with transaction.atomic():
            orders: list[Order] = []
            for n, step in enumerate([("grant", 5000), ("order", 100, 1, 1), *steps]):
                try:
                    with transaction.atomic():
                        _step(cart, orders, step, n)
                except (Conflict, ValidationFailed):
                    pass  # a refused step (out of stock, nothing to pay with) changes nothing
                _check(cart["member"].pk, allow_negative)
            raise _Undo
    except _Undo:
        pass
