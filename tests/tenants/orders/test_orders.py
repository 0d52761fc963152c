"""Cart, pricing pipeline, idempotent order creation with stock reservation, and the state machine."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from hypothesis import given
from hypothesis import strategies as st

from core.errors import Conflict, IllegalTransition, ValidationFailed
from tenants.catalog.models import StockMovement
from tenants.catalog.stock import InsufficientStock
from tenants.orders.calculations import PriceContext, PriceLine, shipping_fee_fen
from tenants.orders.models import Order, OrderEvent, ShippingTemplate
from tenants.orders.services import (
    cart_add,
    checkout_preview,
    order_cancel,
    order_complete,
    order_confirm_receipt,
    order_create,
    order_mark_paid,
    order_ship,
)
from tests.factories import AddressFactory, SkuFactory


@pytest.fixture
def shop(store_a):
    with schema_context(store_a.schema):
        address = AddressFactory()
        ShippingTemplate.objects.create(name="默认", mode="flat", flat_fee_fen=800, free_over_fen=9900,
                                        is_default=True, region_rules=[{"regions": ["65"], "flat_fee_fen": 2500},
                                                                       {"regions": ["54"], "unreachable": True}])
        yield address


def test_cart_merges_and_checkout_prices_with_shipping(shop):
    member = shop.member
    cheap = SkuFactory(price_fen=3000, stock=10)
    cart_add(member=member, sku_id=cheap.pk, quantity=1)
    cart_add(member=member, sku_id=cheap.pk, quantity=2)
    preview = checkout_preview(member=member, address_id=shop.pk)
    assert [(line.quantity, line.goods_fen) for line in preview.lines] == [(3, 9000)]
    assert (preview.shipping_fen, preview.payable_fen) == (800, 9800)
    preview = checkout_preview(member=member, address_id=shop.pk, items=[{"sku_id": cheap.pk, "quantity": 4}])
    assert (preview.shipping_fen, preview.payable_fen) == (0, 12000)  # free over 99.00


def test_unreachable_region_is_a_field_error(shop):
    shop.region_code = "540102"
    shop.save()
    sku = SkuFactory()
    with pytest.raises(ValidationFailed) as exc:
        checkout_preview(member=shop.member, address_id=shop.pk, items=[{"sku_id": sku.pk, "quantity": 1}])
    assert "address_id" in exc.value.fields


def test_weight_based_shipping_with_regions():
    template = ShippingTemplate(mode="weight", first_weight_g=1000, first_fee_fen=1000, extra_weight_g=500,
                                extra_fee_fen=300, region_rules=[{"regions": ["31"], "first_fee_fen": 600},
                                                                 {"regions": ["3101"], "first_fee_fen": 500}])
    assert shipping_fee_fen(template=template, region_code="110101", goods_after_discount_fen=1, weight_g=900) == 1000
    assert shipping_fee_fen(template=template, region_code="110101", goods_after_discount_fen=1, weight_g=2001) == 1900
    assert shipping_fee_fen(template=template, region_code="310115", goods_after_discount_fen=1, weight_g=10) == 500


def ten_percent_off(ctx: PriceContext) -> None:
    ctx.discount_order(ctx.goods_fen // 10, "九折")


def test_promotion_steps_plug_into_the_pipeline(shop, settings):
    settings.ORDER_PRICING_STEPS = ["tests.tenants.orders.test_orders.ten_percent_off"]
    a, b = SkuFactory(price_fen=19900), SkuFactory(price_fen=5000)
    preview = checkout_preview(member=shop.member, address_id=shop.pk,
                               items=[{"sku_id": a.pk, "quantity": 1}, {"sku_id": b.pk, "quantity": 1}])
    assert preview.discount_fen == 2490
    assert [line.discount_fen for line in preview.lines] == [1990, 500]
    assert preview.breakdown()["adjustments"] == [{"label": "九折", "amount_fen": 2490, "line": None}]


@given(st.lists(st.tuples(st.integers(1, 10**6), st.integers(1, 20)), min_size=1, max_size=8),
       st.integers(0, 10**7))
def test_order_discount_allocation_is_exact(lines, discount):
    ctx = PriceContext(lines=[PriceLine(sku_id=i, product_id=i, title="", spec_text="", image="", unit_price_fen=p,
                                        quantity=q, weight_g=0) for i, (p, q) in enumerate(lines)], region_code="")
    ctx.discount_order(discount, "x")
    assert ctx.discount_fen == min(discount, ctx.goods_fen)
    assert all(0 <= line.paid_fen <= line.goods_fen for line in ctx.lines)


def test_order_creation_is_idempotent_and_reserves_stock(shop):
    sku = SkuFactory(stock=5)
    items = [{"sku_id": sku.pk, "quantity": 2}]
    order, created = order_create(member=shop.member, idempotency_key="key-0001-abcd", address_id=shop.pk, items=items)
    again, created_again = order_create(member=shop.member, idempotency_key="key-0001-abcd", address_id=shop.pk,
                                        items=items)
    assert created and not created_again and again.pk == order.pk
    sku.refresh_from_db()
    assert sku.stock == 3
    movement = StockMovement.objects.get(sku=sku)
    assert (movement.delta, movement.reason, movement.reference) == (-2, "order_reserve", order.number)
    with pytest.raises(Conflict):
        order_create(member=shop.member, idempotency_key="key-0001-abcd", address_id=shop.pk,
                     items=[{"sku_id": sku.pk, "quantity": 1}])
    later, _ = order_create(member=shop.member, idempotency_key="key-0001-efgh", address_id=shop.pk, items=items)
    assert later.number > order.number  # sortable by time
    assert len(order.number) == 28 and order.number.isdigit()  # 20 digits of time + 8 random: not guessable


def test_insufficient_stock_writes_nothing(shop):
    plenty, scarce = SkuFactory(stock=10), SkuFactory(stock=1)
    with pytest.raises(InsufficientStock):
        order_create(member=shop.member, idempotency_key="key-0002-abcd", address_id=shop.pk,
                     items=[{"sku_id": plenty.pk, "quantity": 1}, {"sku_id": scarce.pk, "quantity": 2}])
    plenty.refresh_from_db()
    assert plenty.stock == 10
    assert not Order.objects.exists()


def test_cancel_releases_stock_and_cannot_happen_twice(shop):
    sku = SkuFactory(stock=5)
    order, _ = order_create(member=shop.member, idempotency_key="key-0003-abcd", address_id=shop.pk,
                            items=[{"sku_id": sku.pk, "quantity": 2}])
    order_cancel(order=order, reason="不想要了", actor="member:1")
    sku.refresh_from_db()
    assert sku.stock == 5
    with pytest.raises(IllegalTransition, match="已取消"):
        order_cancel(order=order, reason="again", actor="member:1")
    with pytest.raises(IllegalTransition):
        order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="42", paid_at=timezone.now())


def test_payment_is_idempotent_and_checked(shop):
    sku = SkuFactory(price_fen=5000, stock=5)
    order, _ = order_create(member=shop.member, idempotency_key="key-0004-abcd", address_id=shop.pk,
                            items=[{"sku_id": sku.pk, "quantity": 2}])
    with pytest.raises(ValidationFailed) as mismatch:
        order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen - 1, transaction_id="t1", paid_at=timezone.now())
    assert mismatch.value.code == "amount_mismatch"
    now = timezone.now()
    order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="t1", paid_at=now)
    order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="t1", paid_at=now)
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1
    sku.product.refresh_from_db()
    assert sku.product.sales_count == 2


def test_split_shipment_then_receipt_then_completion(shop):
    a, b = SkuFactory(stock=5), SkuFactory(stock=5)
    order, _ = order_create(member=shop.member, idempotency_key="key-0005-abcd", address_id=shop.pk,
                            items=[{"sku_id": a.pk, "quantity": 2}, {"sku_id": b.pk, "quantity": 1}])
    order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="t5", paid_at=timezone.now())
    with pytest.raises(IllegalTransition):
        order_confirm_receipt(order=order, actor="member:1")
    first = order.lines.order_by("position").first()
    order_ship(order=order, carrier_code="SF", tracking_no="SF100", actor="ops", lines={first.pk: 1})
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    with pytest.raises(ValidationFailed):
        order_ship(order=order, carrier_code="SF", tracking_no="SF101", actor="ops", lines={first.pk: 5})
    order_ship(order=order, carrier_code="SF", tracking_no="SF102", actor="ops")
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED and order.receive_deadline_at > order.shipped_at
    received = order_confirm_receipt(order=order, actor="member:1")
    with pytest.raises(IllegalTransition, match="售后期"):
        order_complete(order=received)
    done = order_complete(order=received, now=received.received_at + timedelta(days=8))
    assert done.status == Order.Status.COMPLETED
    kinds = list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == ["created", "paid", "shipped", "shipped", "received", "completed"]

