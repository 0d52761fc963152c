"""After-sales: kinds allowed by order state, time limits, quantities, returns restocked, exact shares."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from core.errors import IllegalTransition, ValidationFailed
from tenants.catalog.models import StockMovement
from tenants.orders.aftersales import (
    after_sale_approve,
    after_sale_reject,
    after_sale_request,
    after_sale_return_received,
    after_sale_return_ship,
    refund_share_fen,
)
from tenants.orders.models import AfterSale, OrderLine
from tenants.orders.services import order_confirm_receipt, order_ship


def test_return_and_exchange_need_a_shipped_order(paid_order):
    line = paid_order.lines.get()
    with pytest.raises(IllegalTransition):
        after_sale_request(order=paid_order, kind="return_refund", lines={line.pk: 1}, reason="x", actor="m")
    with pytest.raises(ValidationFailed):
        after_sale_request(order=paid_order, kind="refund_only", lines={line.pk: 4}, reason="x", actor="m")
    first = after_sale_request(order=paid_order, kind="refund_only", lines={line.pk: 2}, reason="不想要了", actor="m")
    with pytest.raises(ValidationFailed):  # only one unit is left that is not already being refunded
        after_sale_request(order=paid_order, kind="refund_only", lines={line.pk: 2}, reason="x", actor="m")
    after_sale_reject(after_sale=first, reason="已发货", actor="cs")
    assert AfterSale.objects.get(pk=first.pk).status == "rejected"


def test_return_and_refund_restocks_then_asks_for_the_refund(paid_order):
    order_ship(order=paid_order, carrier_code="SF", tracking_no="SF1", actor="ops")
    line = paid_order.lines.get()
    after_sale = after_sale_request(order=paid_order, kind="return_refund", lines={line.pk: 1}, reason="尺码不合适",
                                    actor="m", photos=["/media/p1.jpg"])
    after_sale = after_sale_approve(after_sale=after_sale, actor="cs")
    assert after_sale.status == "awaiting_return"
    with pytest.raises(IllegalTransition):
        after_sale_return_received(after_sale=after_sale, actor="wh")
    after_sale_return_ship(after_sale=after_sale, carrier_code="YTO", tracking_no="YT1")
    after_sale = after_sale_return_received(after_sale=after_sale, actor="wh")
    assert after_sale.status == "refunding" and after_sale.refund_fen == 1000
    assert StockMovement.objects.filter(reason="return", delta=1, reference=after_sale.number).exists()


def test_after_sales_close_after_the_window(paid_order):
    order_ship(order=paid_order, carrier_code="SF", tracking_no="SF2", actor="ops")
    received = order_confirm_receipt(order=paid_order, actor="m", now=timezone.now() - timedelta(days=8))
    with pytest.raises(IllegalTransition) as late:
        after_sale_request(order=received, kind="refund_only", lines={received.lines.get().pk: 1}, reason="x",
                           actor="m")
    assert late.value.code == "after_sale_expired"


@given(st.integers(1, 10**7), st.integers(1, 20), st.data())
def test_refunding_every_unit_in_parts_returns_exactly_what_was_paid(paid, quantity, data):
    line = OrderLine(quantity=quantity, paid_fen=paid, refunded_fen=0, refunded_quantity=0)
    total = 0
    while line.refunded_quantity < quantity:
        take = data.draw(st.integers(1, quantity - line.refunded_quantity))
        share = refund_share_fen(line=line, quantity=take)
        total += share
        line.refunded_quantity += take
        line.refunded_fen += share
    assert total == paid
