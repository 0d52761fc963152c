"""Payment reads: the reconciliation of payments against the orders they were for."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from .models import Payment, PaymentIssue


def payments_without_paid_order() -> QuerySet[Payment]:
    """Money WeChat took that pays no order: the payment succeeded but its order was paid by another
    transaction or not at all (cancelled, closed). Each should have a return refund under way; a row
    here with none is money owed to a shopper."""
    return (Payment.objects.filter(status=Payment.Status.SUCCEEDED)
            .filter(~Q(order__transaction_id=F("transaction_id")))
            .select_related("order").prefetch_related("refunds").order_by("succeeded_at", "pk"))


def payment_issues_open() -> QuerySet[PaymentIssue]:
    return PaymentIssue.objects.filter(resolved_at__isnull=True).select_related("order")
