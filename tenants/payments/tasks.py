"""Per-store payment jobs, fanned out by beat."""

from __future__ import annotations

import json

from celery import shared_task
from django.utils import timezone

from core.errors import IllegalTransition
from core.schema import current_schema
from core.tasks import TenantOnlyTask
from tenants.orders.selectors import orders_overdue_unpaid
from tenants.orders.services import order_cancel

from .gateway import merchant_get, wechatpay_client
from .models import Payment

# Imported so the worker registers the refund task with the rest of this app's tasks.
from .refunds import refund_execute  # noqa: F401
from .services import apply_queried_payment


def payments_sweep(*, now) -> dict:
    """Orders past their payment deadline: ask WeChat Pay first — a payment whose notification never
    arrived is settled — and only then close the WeChat order and cancel ours."""
    settled = cancelled = 0
    for order in orders_overdue_unpaid(now=now)[:200]:
        paid = False
        for payment in Payment.objects.filter(order=order).order_by("pk"):  # one per channel the shopper tried
            if not (payment.prepay_id or payment.h5_url):
                continue
            client = wechatpay_client(merchant_get())
            code, message = client.query(out_trade_no=payment.out_trade_no)
            state = json.loads(message) if code == 200 else {}
            if state.get("trade_state") == "SUCCESS":
                apply_queried_payment(payment=payment, state=state)
                paid = True
                continue
            client.close(out_trade_no=payment.out_trade_no)
        if paid:
            settled += 1
            continue
        try:
            order_cancel(order=order, reason="支付超时", actor="system")
            cancelled += 1
        except IllegalTransition:  # paid meanwhile
            continue
    return {"settled": settled, "cancelled": cancelled}


@shared_task(base=TenantOnlyTask, name="tenants.payments.sweep")
def sweep() -> dict:
    return {"schema": current_schema(), **payments_sweep(now=timezone.now())}
