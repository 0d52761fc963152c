"""Reads of the loyalty app: a member's points card (balance, today's sign-in, the store's rules) and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from tenants.ledger.models import Account, Entry

from .accrual import expiry_cutoff
from .models import LoyaltySettings, SignIn
from .points import loyalty_settings_get, points_balance


@dataclass(frozen=True)
class PointsCard:
    balance: int
    signed_in_today: bool
    streak: int  # days in a row up to today (or yesterday, when today is still to come)
    rules: LoyaltySettings
    expires_before: str  # the store day before which earned points have expired ("" if they never do)


def points_card(*, member_id: int, now: datetime | None = None) -> PointsCard:
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = loyalty_settings_get()
    last = SignIn.objects.filter(member_id=member_id).order_by("-day").first()
    running = last is not None and (today - last.day).days <= 1
    cutoff = expiry_cutoff(rules=rules, now=now)
    return PointsCard(balance=points_balance(member_id=member_id), signed_in_today=bool(last and last.day == today),
                      streak=last.streak if last and running else 0, rules=rules,
                      expires_before=cutoff.isoformat() if cutoff else "")


def points_history(*, member_id: int) -> QuerySet[Entry]:
    """Every change of the member's points, newest first, with its journal (kind, memo, order number)."""
    return (Entry.objects.filter(account__kind=Account.Kind.MEMBER_POINTS, account__owner_id=member_id)
            .select_related("journal").order_by("-created_at", "-id"))
