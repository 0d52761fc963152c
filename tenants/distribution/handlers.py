"""Distribution reacts to what orders announce: a paid order accrues commissions, a refund claws back
exactly what the refunded lines earned. Both run inside the order's own transaction."""

from __future__ import annotations

from core.events import subscribe
from tenants.orders.events import OrderPaid, OrderRefunded

from .services import commission_accrue_for_order, commission_clawback_for_refund


def on_order_paid(event: OrderPaid) -> None:
    commission_accrue_for_order(order_id=event.order_id)


def on_order_refunded(event: OrderRefunded) -> None:
    commission_clawback_for_refund(order_id=event.order_id)


def connect() -> None:
    subscribe(OrderPaid, on_order_paid)
    subscribe(OrderRefunded, on_order_refunded)
