"""Per-store distribution jobs, fanned out by beat."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.schema import current_schema
from core.tasks import TenantOnlyTask

from .grades import grades_evaluate


@shared_task(base=TenantOnlyTask, name="tenants.distribution.grades")
def evaluate_grades() -> dict:
    return {"schema": current_schema(), "promoted": grades_evaluate(now=timezone.now())}
