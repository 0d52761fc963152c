"""Refunds through WeChat Pay. An approved after-sale asks for a refund (RefundRequested); a Refund row
with a deterministic number is written in that same transaction, and the gateway is called after commit
by a task. A retried task sends the same out_refund_no, which WeChat treats as the same refund, so a
refund can never be paid twice."""

from __future__ import annotations

import json

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core.events import subscribe
from core.tasks import TenantOnlyTask, enqueue_on_commit
from tenants.orders.events import RefundRequested
from tenants.orders.models import AfterSale
from tenants.orders.services import order_refund_succeeded

from .gateway import merchant_get, wechatpay_client
from .models import Payment, Refund


class RefundGatewayError(Exception):
    pass


def on_refund_requested(event: RefundRequested) -> None:
    after_sale = AfterSale.objects.get(pk=event.after_sale_id)
    refund, created = Refund.objects.get_or_create(
        out_refund_no=after_sale.number,  # deterministic: the after-sale's own number
        defaults={"order_id": event.order_id, "after_sale": after_sale, "amount_fen": event.amount_fen,
                  "lines": {str(k): list(v) for k, v in event.lines.items()}},
    )
    if created:
        enqueue_on_commit(refund_execute, refund.pk)


def connect() -> None:
    subscribe(RefundRequested, on_refund_requested)


@shared_task(base=TenantOnlyTask, name="tenants.payments.refund_execute", autoretry_for=(RefundGatewayError,),
             retry_backoff=True, max_retries=8)
def refund_execute(refund_id: int) -> str:
    """Ask WeChat Pay to refund; the REFUND.SUCCESS notification completes it."""
    refund = Refund.objects.select_related("order").get(pk=refund_id)
    if refund.status in (Refund.Status.PROCESSING, Refund.Status.SUCCEEDED):
        return refund.status
    payment = Payment.objects.get(order_id=refund.order_id, status=Payment.Status.SUCCEEDED)
    client = wechatpay_client(merchant_get(), notify_url=payment.notify_url or None)
    code, message = client.refund(out_refund_no=refund.out_refund_no, amount={
        "refund": refund.amount_fen, "total": payment.amount_fen, "currency": "CNY"}, out_trade_no=payment.out_trade_no)
    if code != 200:
        raise RefundGatewayError(f"refund {refund.out_refund_no}: {code} {message}")
    Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
        status=Refund.Status.PROCESSING, refund_id=json.loads(message).get("refund_id", ""))
    return Refund.Status.PROCESSING


@transaction.atomic
def refund_apply_success(*, resource: dict) -> str:
    refund = Refund.objects.select_for_update().filter(out_refund_no=resource.get("out_refund_no")).first()
    if refund is None:
        raise LookupError("unknown out_refund_no")
    if int(resource.get("amount", {}).get("refund", -1)) != refund.amount_fen:
        raise ValueError("refund amount does not match")
    if refund.status == Refund.Status.SUCCEEDED:
        return "duplicate"
    refund.status, refund.succeeded_at = Refund.Status.SUCCEEDED, timezone.now()
    refund.refund_id = resource.get("refund_id", refund.refund_id)
    refund.save(update_fields=["status", "succeeded_at", "refund_id"])
    order_refund_succeeded(order_id=refund.order_id, after_sale_id=refund.after_sale_id, amount_fen=refund.amount_fen,
                           lines={int(k): (v[0], v[1]) for k, v in refund.lines.items()},
                           refund_no=refund.out_refund_no)
    return "refunded"
