"""The store's nightly CRM job: rule tags follow their rules (fanned out by beat, one task per store)."""

from __future__ import annotations

from celery import shared_task

from core.schema import current_schema
from core.tasks import TenantOnlyTask

from .services import tags_apply_rules


@shared_task(base=TenantOnlyTask, name="tenants.crm.tags")
def tags() -> dict:
    return {"schema": current_schema(), "changed": tags_apply_rules()}
