"""Per-store marketing jobs, fanned out by beat: flash-sale gates that drifted from the database are dropped (and
reload from it on the next request); group-buy teams whose time is up fail (cancelled, refunded); in the morning,
today's birthday members get their level's birthday coupon."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.schema import current_schema
from core.tasks import TenantOnlyTask

from .birthdays import birthday_gifts_give
from .flash import flash_reconcile
from .groups import group_teams_settle


@shared_task(base=TenantOnlyTask, name="tenants.marketing.tick")
def tick() -> dict:
    now = timezone.now()
    return {"schema": current_schema(), "flash_gates_dropped": flash_reconcile(now=now), **group_teams_settle(now=now)}


@shared_task(base=TenantOnlyTask, name="tenants.marketing.birthdays")
def birthdays() -> dict:
    return {"schema": current_schema(), "birthday_gifts": birthday_gifts_give()}
