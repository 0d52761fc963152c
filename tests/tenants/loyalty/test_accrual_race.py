"""A refund and the accrual of its order's points at the same moment, on real threads and commits, either way
round: the points earned are always those of what was finally paid. A refund in flight when the accrual reads the
list makes the accrual skip the order (a later run accrues the refunded amounts); an accrual in flight when the
refund comes makes the refund wait for it and take back what was earned."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.catalog.services import SkuInput, product_create
from tenants.ledger.selectors import ledger_reconcile
from tenants.loyalty.accrual import points_accrue
from tenants.loyalty.points import loyalty_settings_get, points_balance
from tenants.orders.aftersales import refund_share_fen
from tenants.orders.models import OrderLine, ShippingTemplate
from tenants.orders.selectors import order_settings_get
from tenants.orders.services import (
    order_confirm_receipt,
    order_create,
    order_mark_paid,
    order_refund_succeeded,
    order_ship,
)
from tests.conftest import store_for_real
from tests.factories import AddressFactory, MemberFactory


@pytest.fixture
def received(django_db_blocker):
    """A received order of two units at ¥99, not yet accrued (1 point per yuan: 198 points)."""
    with django_db_blocker.unblock(), store_for_real("accrualrace", "Accrual race") as tenant:
        with transaction.atomic(), schema_context(tenant.schema_name):
            ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
            loyalty_settings_get(), order_settings_get()
            sku = product_create(title="面霜", publish=True, skus=[SkuInput(price_fen=9900, stock=5)]).skus.get()
            member = MemberFactory()
            order, _created = order_create(member=member, idempotency_key="accrual-race-01",
                                           address_id=AddressFactory(member=member).pk,
                                           items=[{"sku_id": sku.pk, "quantity": 2}], coupon_ids=[])
            order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="tx-1",
                            paid_at=timezone.now())
            order.refresh_from_db()
            order_ship(order=order, carrier_code="SF", tracking_no="SF0000000001", actor="staff")
            order_confirm_receipt(order=order, actor="member")
        yield tenant.schema_name, member, order


def _refund_one_unit(schema: str, order, *, hold: float = 0.0) -> None:
    try:
        with schema_context(schema), transaction.atomic():
            line = OrderLine.objects.get(order=order)
            amount = refund_share_fen(line=line, quantity=1)
            order_refund_succeeded(order_id=order.pk, after_sale_id=None, amount_fen=amount,
                                   lines={line.pk: (1, amount)}, refund_no="R-race")
            time.sleep(hold)
    finally:
        connections.close_all()


def _accrue(schema: str, results: list, *, hold: float = 0.0) -> None:
    try:
        with schema_context(schema), transaction.atomic():
            results.append(points_accrue(rules=loyalty_settings_get()).orders)
            time.sleep(hold)
    finally:
        connections.close_all()


def _run(first, second) -> None:
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    time.sleep(0.3)  # the first is inside its transaction, holding it
    threads[1].start()
    for thread in threads:
        thread.join()


def test_a_refund_in_flight_makes_the_accrual_skip_the_order(received):
    schema, member, order = received
    accrued: list[int] = []
    _run(lambda: _refund_one_unit(schema, order, hold=0.8), lambda: _accrue(schema, accrued))
    assert accrued == [0]  # it waited for the refund, found the order's row replaced, and left it
    with schema_context(schema):
        assert points_accrue(rules=loyalty_settings_get()).orders == 1
        assert points_balance(member_id=member.pk) == 99  # earned on the one unit kept
        assert ledger_reconcile().ok


def test_an_accrual_in_flight_makes_the_refund_take_back_what_it_earned(received):
    schema, member, order = received
    accrued: list[int] = []
    _run(lambda: _accrue(schema, accrued, hold=0.8), lambda: _refund_one_unit(schema, order))
    assert accrued == [1]
    with schema_context(schema):
        assert points_balance(member_id=member.pk) == 198 - 99
        assert ledger_reconcile().ok
