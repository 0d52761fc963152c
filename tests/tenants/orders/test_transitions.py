"""One transitions table per stateful model: the services refuse what it does not allow, and the console offers
exactly what it allows (the two read the same table, so they cannot drift)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from core.errors import IllegalTransition
from tenants.distribution.models import Withdrawal
from tenants.distribution.transitions import WITHDRAWAL
from tenants.distribution.withdrawals import withdrawal_confirm_paid
from tenants.orders.models import Order, ShippingTemplate
from tenants.orders.services import order_cancel, order_confirm_receipt, order_create, order_ship
from tenants.orders.transitions import AFTER_SALE, ORDER
from tests.conftest import console_login
from tests.factories import AddressFactory, SkuFactory
from tests.tenants.distribution.builders import make_distributor


def test_the_tables_name_only_real_states():
    for table, states in ((ORDER, Order.Status.values), (WITHDRAWAL, Withdrawal.Status.values)):
        for status in states:
            assert table.available(status) <= set(table._actions)
    assert ORDER.available("pending_payment") == {"pay", "cancel"}
    assert AFTER_SALE.available("requested") == {"approve", "reject", "cancel"}
    assert WITHDRAWAL.available("paying") == {"mark_paid", "mark_failed"}


@pytest.fixture
def order(store_a):
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        address = AddressFactory()
        made, _ = order_create(member=address.member, idempotency_key="transitions-01", address_id=address.pk,
                               items=[{"sku_id": SkuFactory(price_fen=1000, stock=5).pk, "quantity": 1}])
    connection.set_schema_to_public()
    return made


def test_services_refuse_what_the_table_refuses(order, store_a):
    with schema_context(store_a.schema):
        with pytest.raises(IllegalTransition, match="待付款"):
            order_ship(order=order, carrier_code="SF", tracking_no="SF-T1", actor="ops")
        with pytest.raises(IllegalTransition):
            order_confirm_receipt(order=order, actor="m")
        order_cancel(order=order, reason="x", actor="m")
        with pytest.raises(IllegalTransition, match="已取消"):
            order_cancel(order=order, reason="x", actor="m")


def test_the_console_offers_exactly_what_the_table_allows(order, store_a, client_a):
    console_login(client_a, store_a.owner_login)
    for status in ("pending_payment", "paid", "shipped", "received", "completed", "cancelled", "closed"):
        with schema_context(store_a.schema):
            Order.objects.filter(pk=order.pk).update(status=status, paid_at=timezone.now())
        connection.set_schema_to_public()
        page = client_a.get(f"/console/orders/{order.number}/").content.decode()
        assert ('id="ship-form"' in page) == ORDER.allows("ship", status), status
        assert ('value="refund"' in page) == ORDER.allows("merchant_refund", status), status


def test_a_paying_withdrawal_cannot_be_confirmed_by_hand(store_a):
    with schema_context(store_a.schema):
        withdrawal = Withdrawal.objects.create(number="W-T-1", distributor=make_distributor(), amount_fen=100,
                                               net_fen=100, method="bank", status="paying")
        with pytest.raises(IllegalTransition, match="打款中"):
            withdrawal_confirm_paid(withdrawal=withdrawal, actor="finance")
