"""Per-store catalog jobs, fanned out by beat."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.schema import current_schema
from core.tasks import TenantOnlyTask

from .services import products_apply_schedules


@shared_task(base=TenantOnlyTask, name="tenants.catalog.apply_schedules")
def apply_schedules() -> dict:
    listed, delisted = products_apply_schedules(now=timezone.now())
    return {"schema": current_schema(), "listed": listed, "delisted": delisted}
