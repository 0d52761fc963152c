"""Tracking through the fake provider, automatic receipt and completion, with the clock passed in."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.orders.models import Order, Shipment, ShippingTemplate, TrackingEvent
from tenants.orders.services import order_create, order_mark_paid, order_ship
from tenants.orders.tasks import orders_tick
from tests.factories import AddressFactory, SkuFactory


@pytest.fixture
def shipped(store_a):
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        address = AddressFactory()
        order, _ = order_create(member=address.member, idempotency_key="jobs-order-0001", address_id=address.pk,
                                items=[{"sku_id": SkuFactory(stock=3).pk, "quantity": 1}])
        order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="t", paid_at=timezone.now())
        shipped_at = timezone.now()
        order_ship(order=order, carrier_code="SF", tracking_no="SF900", actor="ops", now=shipped_at)
        yield order, shipped_at


def test_tracking_moves_with_time_and_is_stored_once(shipped):
    order, shipped_at = shipped
    orders_tick(now=shipped_at + timedelta(hours=2))
    shipment = Shipment.objects.get(order=order)
    assert shipment.status == "in_transit"
    orders_tick(now=shipped_at + timedelta(hours=31))
    orders_tick(now=shipped_at + timedelta(hours=32))
    assert list(TrackingEvent.objects.filter(shipment=shipment).values_list("status", flat=True)) == [
        "shipped", "in_transit", "out_for_delivery", "signed"]
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED  # signed is shown; receipt follows the N-day rule


def test_receipt_is_confirmed_automatically_after_the_store_days_then_completed(shipped):
    order, shipped_at = shipped
    assert orders_tick(now=shipped_at + timedelta(days=9))["auto_received"] == 0
    assert orders_tick(now=shipped_at + timedelta(days=10, minutes=1))["auto_received"] == 1
    order.refresh_from_db()
    assert order.status == Order.Status.RECEIVED
    assert orders_tick(now=order.received_at + timedelta(days=8))["completed"] == 1
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED


def test_shopper_sees_shipments_and_tracking(shipped, store_a):
    from tenants.members.tokens import member_token_issue
    from tests.shop_api.conftest import api

    order, shipped_at = shipped
    orders_tick(now=shipped_at + timedelta(hours=2))
    token = member_token_issue(member=order.member)
    detail = api(store_a.host, token).get(f"/api/v1/orders/{order.number}/").json()
    assert detail["shipments"][0]["tracking_no"] == "SF900"
    assert [e["status"] for e in detail["shipments"][0]["events"]] == ["shipped", "in_transit"]
