"""Per-store periodic jobs (fanned out by beat, one task per store)."""

from __future__ import annotations

from celery import shared_task

from core.schema import current_schema
from core.tasks import TenantOnlyTask

from .services import staff_sessions_purge_expired


@shared_task(base=TenantOnlyTask, name="tenants.staff.tasks.housekeeping")
def housekeeping() -> dict:
    """Hourly tidy-up of one store's schema. Later capabilities add their own steps here."""
    return {"schema": current_schema(), "expired_sessions_deleted": staff_sessions_purge_expired()}
