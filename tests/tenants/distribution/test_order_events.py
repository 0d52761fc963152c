"""Paying an order accrues commissions in the same transaction; nothing is accrued for unpaid orders."""

from django.utils import timezone

from tenants.distribution.models import Binding, Commission
from tenants.ledger.selectors import ledger_reconcile
from tenants.orders.services import order_create, order_mark_paid
from tests.factories import AddressFactory, SkuFactory
from tests.tenants.distribution.builders import make_distributor, publish_rates


def test_paid_order_accrues_through_the_order_event(in_alpha):
    publish_rates()
    distributor = make_distributor()
    address = AddressFactory()
    Binding.objects.create(member=address.member, distributor=distributor, source="qr", bound_at=timezone.now())
    sku = SkuFactory(price_fen=19900, stock=3)
    order, _ = order_create(member=address.member, idempotency_key="dist-order-0001", address_id=address.pk,
                            items=[{"sku_id": sku.pk, "quantity": 1}])
    assert not Commission.objects.exists()
    order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="wx-1", paid_at=timezone.now())
    commission = Commission.objects.get()
    assert (commission.distributor_id, commission.base_fen, commission.amount_fen) == (distributor.pk, 19900, 2388)
    order.refresh_from_db()
    assert order.distributor_id == distributor.pk
    assert ledger_reconcile().ok
