"""Orders past their payment deadline: settled when WeChat Pay says they were paid (the notification was
lost), otherwise closed at WeChat and cancelled here with their stock returned."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.orders.models import Order
from tenants.payments.tasks import payments_sweep


def test_lost_notification_is_settled_by_the_sweep(pending_order, gateway, store_a):
    client, number = pending_order
    client.post("/api/v1/payments/wechatpay/prepare/", {"order_number": number}, format="json")
    gateway.pay(number)  # paid at WeChat; the notification never arrives
    with schema_context(store_a.schema):
        result = payments_sweep(now=timezone.now() + timedelta(minutes=31))
        assert result == {"settled": 1, "cancelled": 0}
        assert Order.objects.get(number=number).status == Order.Status.PAID


def test_unpaid_order_is_closed_at_wechat_and_cancelled(pending_order, gateway, store_a):
    client, number = pending_order
    client.post("/api/v1/payments/wechatpay/prepare/", {"order_number": number}, format="json")
    with schema_context(store_a.schema):
        assert payments_sweep(now=timezone.now() + timedelta(minutes=5)) == {"settled": 0, "cancelled": 0}
        assert payments_sweep(now=timezone.now() + timedelta(minutes=31)) == {"settled": 0, "cancelled": 1}
        order = Order.objects.get(number=number)
        assert order.status == Order.Status.CANCELLED and order.cancel_reason == "支付超时"
        assert order.lines.get().sku.stock == 9
    assert gateway.transactions[number].state == "CLOSED"
