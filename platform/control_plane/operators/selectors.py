"""What the operators' health page shows: stores by status, sign-ups per day and failed background jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django_tenants.utils import schema_context

from control_plane.tenancy.models import Tenant

from .models import JobFailure


@dataclass(frozen=True)
class PlatformHealth:
    stores_by_status: dict[str, int]
    signups_by_day: list[dict]  # [{"date": "2026-11-24", "count": 3}], oldest first, zero days included
    failures_24h: int
    failures_7d: int
    failures_by_task: list[tuple[str, int]]  # last 7 days, most frequent first
    recent_failures: list[JobFailure]

    @property
    def stores_total(self) -> int:
        return sum(self.stores_by_status.values())


def platform_health(*, now: datetime | None = None, days: int = 30) -> PlatformHealth:
    now = now or timezone.now()
    with schema_context("public"):
        stores = Tenant.objects.exclude(schema_name="public")
        by_status = dict(stores.values_list("status").annotate(n=Count("pk")).order_by())
        start = timezone.localtime(now).date() - timedelta(days=days - 1)
        per_day = dict(stores.filter(created_at__date__gte=start).annotate(day=TruncDate("created_at"))
                       .values("day").annotate(n=Count("pk")).values_list("day", "n"))
        week = JobFailure.objects.filter(created_at__gte=now - timedelta(days=7))
        return PlatformHealth(
            stores_by_status=by_status,
            signups_by_day=[{"date": (start + timedelta(days=i)).isoformat(),
                             "count": per_day.get(start + timedelta(days=i), 0)} for i in range(days)],
            failures_24h=week.filter(created_at__gte=now - timedelta(hours=24)).count(),
            failures_7d=week.count(),
            failures_by_task=list(week.values_list("task_name").annotate(n=Count("pk")).order_by("-n")[:10]),
            recent_failures=list(JobFailure.objects.all()[:20]),
        )
