"""Per-store loyalty jobs, fanned out by beat: received orders earn their points (every few minutes); members'
levels follow their received orders (hourly); points past the store's cut-off expire (nightly). Each is safe to
rerun at any point."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from core.schema import current_schema
from core.tasks import TenantOnlyTask

from .accrual import points_accrue, points_expire
from .levels import levels_evaluate
from .points import loyalty_settings_get


@shared_task(base=TenantOnlyTask, name="tenants.loyalty.accrue", acks_late=True, autoretry_for=(DatabaseError,),
             retry_backoff=True, max_retries=5)
def accrue() -> dict:
    rules = loyalty_settings_get()
    if not rules.points_enabled:
        return {"schema": current_schema(), "skipped": True}
    result = points_accrue(rules=rules)
    return {"schema": current_schema(), "orders": result.orders, "points": result.points}


@shared_task(base=TenantOnlyTask, name="tenants.loyalty.expire", acks_late=True, autoretry_for=(DatabaseError,),
             retry_backoff=True, max_retries=5)
def expire() -> dict:
    result = points_expire(rules=loyalty_settings_get())
    return {"schema": current_schema(), "members": result.members, "points": result.points}


@shared_task(base=TenantOnlyTask, name="tenants.loyalty.levels", acks_late=True, autoretry_for=(DatabaseError,),
             retry_backoff=True, max_retries=5)
def levels() -> dict:
    result = levels_evaluate(rules=loyalty_settings_get())
    return {"schema": current_schema(), "orders": result.orders, "members": result.members, "risen": result.risen}
