"""Refunds through WeChat Pay. An approved after-sale asks for a refund (RefundRequested); a Refund row
with a deterministic number is written in that same transaction, and the gateway is called after commit
by a task. A retried task sends the same out_refund_no, which WeChat treats as the same refund, so a
refund can never be paid twice.

A payment WeChat confirms for an order that can no longer take it (cancelled, closed, or paid already)
goes back the same way, in full, under the number ``<out_trade_no>-R`` (see ``payment_return``).
Refund notifications that do not fit (an unknown number, another amount, a refund WeChat could not
complete) are acknowledged and put in the review queue, never refused into endless redelivery."""

from __future__ import annotations

import json

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core.events import subscribe
from core.tasks import TenantOnlyTask, enqueue_on_commit
from tenants.orders.events import RefundRequested
from tenants.orders.models import AfterSale, Order
from tenants.orders.services import order_event_record, order_refund_succeeded

from .gateway import merchant_get, wechatpay_client
from .issues import notified_fen, payment_issue_record, resource_summary
from .models import Payment, PaymentIssue, Refund


class RefundGatewayError(Exception):
    pass


def on_refund_requested(event: RefundRequested) -> None:
    after_sale = AfterSale.objects.select_related("order").get(pk=event.after_sale_id)
    order = after_sale.order
    # The payment that paid the order (none when it was paid some other way).
    payment = (Payment.objects.filter(order_id=order.pk, status=Payment.Status.SUCCEEDED,
                                      transaction_id=order.transaction_id).first() if order.transaction_id else None)
    refund, created = Refund.objects.get_or_create(
        out_refund_no=after_sale.number,  # deterministic: the after-sale's own number
        defaults={"order_id": event.order_id, "after_sale": after_sale, "amount_fen": event.amount_fen,
                  "payment": payment, "lines": {str(k): list(v) for k, v in event.lines.items()}},
    )
    if created:
        enqueue_on_commit(refund_execute, refund.pk)


def payment_return(*, payment: Payment, order: Order, amount_fen: int, kind: str, why: str) -> Refund:
    """Give a payment back in full: the order it was for cannot take it. Called inside the notification's
    transaction; the gateway is asked after commit, under a number derived from the payment's own."""
    refund, created = Refund.objects.get_or_create(
        out_refund_no=f"{payment.out_trade_no}-R",
        defaults={"order": order, "payment": payment, "amount_fen": amount_fen,
                  "reason": Refund.Reason.UNPAYABLE_ORDER, "lines": {}})
    if created:
        payment_issue_record(kind=kind, reference=payment.out_trade_no, order_id=order.pk,
                             detail=f"{why}; refunding {amount_fen} fen as {refund.out_refund_no}",
                             data={"transaction_id": payment.transaction_id, "amount_fen": amount_fen})
        order_event_record(order=order, kind="payment_returning", actor="wechatpay", note=why,
                           out_trade_no=payment.out_trade_no, out_refund_no=refund.out_refund_no,
                           amount_fen=amount_fen)
        enqueue_on_commit(refund_execute, refund.pk)
    return refund


def connect() -> None:
    subscribe(RefundRequested, on_refund_requested)


@shared_task(base=TenantOnlyTask, name="tenants.payments.refund_execute", autoretry_for=(RefundGatewayError,),
             retry_backoff=True, max_retries=8)
def refund_execute(refund_id: int) -> str:
    """Ask WeChat Pay to refund; the REFUND.SUCCESS notification completes it."""
    refund = Refund.objects.select_related("order", "payment").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund.status
    payment = refund.payment
    if payment is None:  # the order was not paid through WeChat Pay: someone must give the money back by hand
        with transaction.atomic():
            Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
                status=Refund.Status.FAILED, failure_reason="no WeChat Pay payment to refund")
            payment_issue_record(kind=PaymentIssue.Kind.REFUND_FAILED, reference=refund.out_refund_no,
                                 order_id=refund.order_id, detail="no WeChat Pay payment to refund: refund by hand")
        return Refund.Status.FAILED
    client = wechatpay_client(merchant_get(), notify_url=payment.notify_url or None)
    code, message = client.refund(out_refund_no=refund.out_refund_no, amount={
        "refund": refund.amount_fen, "total": payment.received_fen or payment.amount_fen, "currency": "CNY"},
        out_trade_no=payment.out_trade_no)
    if code != 200:
        raise RefundGatewayError(f"refund {refund.out_refund_no}: {code} {message}")
    Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
        status=Refund.Status.PROCESSING, refund_id=json.loads(message).get("refund_id", ""))
    return Refund.Status.PROCESSING


def _refund_for(resource: dict) -> Refund | None:
    """The refund a notification is about, locked; an unknown one goes to the review queue."""
    number = str(resource.get("out_refund_no") or "")
    refund = Refund.objects.select_for_update().filter(out_refund_no=number).first()
    if refund is None:
        payment_issue_record(kind=PaymentIssue.Kind.UNKNOWN_REFUND, reference=number or "?",
                             detail="a refund notification for a refund this store never asked for",
                             data=resource_summary(resource))
    return refund


@transaction.atomic
def refund_apply_success(*, resource: dict) -> str:
    """WeChat says the money went back. Applied once per refund; anything that does not fit is recorded."""
    refund = _refund_for(resource)
    if refund is None:
        return "recorded"
    if notified_fen(resource.get("amount", {}).get("refund")) != refund.amount_fen:
        payment_issue_record(kind=PaymentIssue.Kind.REFUND_MISMATCH, reference=refund.out_refund_no,
                             order_id=refund.order_id, data=resource_summary(resource),
                             detail=f"WeChat reports another amount than the {refund.amount_fen} fen asked")
        return "recorded"
    if refund.status == Refund.Status.SUCCEEDED:
        return "duplicate"
    # A refund marked failed that WeChat then completes did give the money back: it is applied all the same.
    refund.status, refund.succeeded_at = Refund.Status.SUCCEEDED, timezone.now()
    refund.refund_id = resource.get("refund_id", refund.refund_id)
    refund.save(update_fields=["status", "succeeded_at", "refund_id"])
    if refund.reason == Refund.Reason.UNPAYABLE_ORDER:
        if refund.payment_id is not None:  # a return always has its payment
            Payment.objects.filter(pk=refund.payment_id).update(status=Payment.Status.RETURNED)
        order_event_record(order=refund.order, kind="payment_returned", actor="wechatpay",
                           out_refund_no=refund.out_refund_no, amount_fen=refund.amount_fen)
        return "returned"
    order_refund_succeeded(order_id=refund.order_id, after_sale_id=refund.after_sale_id, amount_fen=refund.amount_fen,
                           lines={int(k): (v[0], v[1]) for k, v in refund.lines.items()},
                           refund_no=refund.out_refund_no)
    return "refunded"


@transaction.atomic
def refund_apply_failure(*, resource: dict) -> str:
    """WeChat could not complete a refund (REFUND.ABNORMAL: the payer's account cannot take it; REFUND.CLOSED):
    the refund is failed and the merchant must give the money back another way, from the review queue."""
    refund = _refund_for(resource)
    if refund is None:
        return "recorded"
    if refund.status == Refund.Status.SUCCEEDED:  # a late failure after success changes nothing
        return "duplicate"
    state = str(resource.get("refund_status") or "ABNORMAL")[:40]
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED, failure_reason=f"WeChat: {state}")
    payment_issue_record(kind=PaymentIssue.Kind.REFUND_FAILED, reference=refund.out_refund_no,
                         order_id=refund.order_id, data=resource_summary(resource),
                         detail=f"WeChat could not refund ({state}): give the money back another way")
    return "failed"
