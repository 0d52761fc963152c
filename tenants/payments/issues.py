"""The payments review queue: what WeChat Pay told us that did not fit our records, kept for the merchant."""

from __future__ import annotations

from django.utils import timezone

from .models import PaymentIssue

# Only these fields of a notification's resource are kept with an issue (no payer identity).
_KEPT = ("out_trade_no", "transaction_id", "out_refund_no", "refund_id", "trade_state", "refund_status",
         "success_time", "amount", "mchid", "appid")


def notified_fen(value) -> int | None:
    """An amount from a notification, or None when it is not a whole number of fen."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def resource_summary(resource: dict) -> dict:
    return {key: resource[key] for key in _KEPT if key in resource}


def payment_issue_record(*, kind: str, reference: str, detail: str, order_id: int | None = None,
                         data: dict | None = None) -> PaymentIssue:
    """Record an issue once per kind and reference (a redelivered notification finds the first record)."""
    issue, _created = PaymentIssue.objects.get_or_create(
        kind=kind, reference=reference[:64],
        defaults={"detail": detail[:300], "order_id": order_id, "data": data or {}})
    return issue


def payment_issue_resolve(*, issue: PaymentIssue, actor: str) -> PaymentIssue:
    """The merchant has dealt with it; it leaves the open list and keeps who closed it and when."""
    PaymentIssue.objects.filter(pk=issue.pk, resolved_at__isnull=True).update(resolved_at=timezone.now(),
                                                                               resolved_by=actor[:150])
    issue.refresh_from_db()
    return issue
