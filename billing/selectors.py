"""What the billing pages show: a store's subscription, usage and invoices; the platform's revenue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django_tenants.utils import schema_context

from control_plane.tenancy.models import Tenant

from .limits import RESOURCES, PlanLimits
from .models import Interval, Invoice, Plan, Subscription
from .usage import usage_for

PAYING = (Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE)


@dataclass(frozen=True)
class UsageRow:
    key: str
    label: str
    used: int
    limit: int | None

    @property
    def percent(self) -> int:
        return 0 if not self.limit else min(100, self.used * 100 // self.limit)


def subscription_for(tenant: Tenant) -> Subscription | None:
    with schema_context("public"):
        return Subscription.objects.select_related("plan", "next_plan").filter(tenant_id=tenant.pk).first()


def usage_rows(tenant: Tenant, limits: PlanLimits) -> list[UsageRow]:
    usage = usage_for(tenant)
    return [UsageRow(key, str(label), usage[key], limits.limit(key)) for key, label in RESOURCES.items()]


def plans_for_sale() -> list[Plan]:
    with schema_context("public"):
        return list(Plan.objects.filter(is_active=True))


def plans_with_subscribers() -> list[Plan]:
    """Every plan (retired ones too) with ``subscribers``: stores on it that have not ended."""
    with schema_context("public"):
        return list(Plan.objects.annotate(subscribers=Count(
            "subscriptions", filter=~Q(subscriptions__status=Subscription.Status.CANCELED))))


def invoices_of(tenant: Tenant, *, limit: int = 24) -> list[Invoice]:
    with schema_context("public"):
        return list(Invoice.objects.filter(tenant_id=tenant.pk)[:limit])


def monthly_minor(plan: Plan, interval: str) -> int:
    """What a subscription brings in per month: a yearly price spread over twelve months (rounded down)."""
    return plan.yearly_price_minor // 12 if interval == Interval.YEAR else plan.monthly_price_minor


@dataclass(frozen=True)
class BillingOverview:
    mrr_minor: dict[str, int]  # currency -> monthly recurring revenue of paying stores
    by_status: dict[str, int]
    by_plan: list[tuple[str, int]]  # plan name, paying stores
    trials_ending_soon: list[Subscription]
    past_due: list[Subscription]
    churned: list[Subscription]  # ended in the last 30 days


def billing_overview(*, now: datetime | None = None) -> BillingOverview:
    now = now or timezone.now()
    with schema_context("public"):
        paying = Subscription.objects.filter(status__in=PAYING).select_related("plan")
        mrr: dict[str, int] = defaultdict(int)
        plan_counts: dict[str, int] = defaultdict(int)
        for subscription in paying:
            mrr[subscription.plan.currency] += monthly_minor(subscription.plan, subscription.interval)
            plan_counts[subscription.plan.name] += 1
        by_status = dict(Subscription.objects.values_list("status").annotate(n=Count("pk")).order_by())
        related = Subscription.objects.select_related("tenant", "plan")
        return BillingOverview(
            mrr_minor=dict(mrr), by_status=by_status, by_plan=sorted(plan_counts.items(), key=lambda x: -x[1]),
            trials_ending_soon=list(related.filter(status=Subscription.Status.TRIALING,
                                                   trial_ends_at__lte=now + timedelta(days=7))
                                    .order_by("trial_ends_at")[:50]),
            past_due=list(related.filter(status__in=[Subscription.Status.PAST_DUE, Subscription.Status.UNPAID])
                          .order_by("past_due_since")[:50]),
            churned=list(related.filter(status=Subscription.Status.CANCELED, canceled_at__gte=now - timedelta(days=30))
                         .order_by("-canceled_at")[:50]),
        )
