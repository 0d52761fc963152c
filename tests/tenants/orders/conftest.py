"""An order of three units, paid, in alpha: what the after-sale tests start from."""

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.orders.models import ShippingTemplate
from tenants.orders.services import order_create, order_mark_paid
from tests.factories import AddressFactory, SkuFactory


@pytest.fixture
def paid_order(store_a):
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        address = AddressFactory()
        sku = SkuFactory(price_fen=1000, stock=10)
        order, _ = order_create(member=address.member, idempotency_key="as-order-0001", address_id=address.pk,
                                items=[{"sku_id": sku.pk, "quantity": 3}])
        order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="t", paid_at=timezone.now())
        yield order
