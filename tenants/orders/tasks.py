"""Per-store order jobs, fanned out by beat: tracking updates, automatic receipt, after-sale deadlines,
completion."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.errors import IllegalTransition
from core.schema import current_schema
from core.tasks import TenantOnlyTask

from .aftersales import after_sales_act_on_deadlines
from .models import Order, Shipment
from .selectors import orders_due_for_auto_receipt
from .services import order_complete, order_confirm_receipt
from .tracking import shipment_refresh


def orders_tick(*, now) -> dict:
    polled = 0
    for shipment in Shipment.objects.exclude(status=Shipment.Status.SIGNED).order_by("pk")[:500]:
        polled += shipment_refresh(shipment=shipment, now=now)
    received = 0
    for order in orders_due_for_auto_receipt(now=now)[:500]:
        order_confirm_receipt(order=order, actor="system", now=now)
        received += 1
    deadlines = after_sales_act_on_deadlines(now=now)
    completed = 0
    for order in Order.objects.filter(status=Order.Status.RECEIVED).order_by("pk")[:500]:
        try:
            order_complete(order=order, now=now)
            completed += 1
        except IllegalTransition:  # still inside the after-sales window, or an after-sale is open
            continue
    return {"tracking_events": polled, "auto_received": received, "completed": completed, **deadlines}


@shared_task(base=TenantOnlyTask, name="tenants.orders.tick")
def tick() -> dict:
    return {"schema": current_schema(), **orders_tick(now=timezone.now())}
