"""The Celery app. Tenant tasks carry the schema they were sent from (tenant-schemas-celery)."""

from __future__ import annotations

import os

from celery.schedules import crontab
from celery.signals import task_failure, task_prerun
from tenant_schemas_celery.app import CeleryApp

from config.observability import tag_task_tenant

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = CeleryApp("distmall")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
task_prerun.connect(tag_task_tenant, dispatch_uid="distmall_tag_task_tenant")


@task_failure.connect(dispatch_uid="distmall_record_job_failure")
def _record_job_failure(sender=None, exception=None, **kwargs) -> None:
    """Failed tasks are counted on the operators' health page (details go to Sentry)."""
    from django.db import connection

    from control_plane.operators.services import job_failure_record

    schema = connection.schema_name
    job_failure_record(task_name=getattr(sender, "name", str(sender)), exception=exception,
                       schema_name="" if schema == "public" else schema)

# Most entries fan out: one task per active tenant, sent from inside that tenant's schema.
app.conf.beat_schedule = {
    "grades-daily": {
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(hour=3, minute=10),
        "args": ("tenants.distribution.grades",),
    },
    "orders-every-10-minutes": {
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(minute="*/10"),
        "args": ("tenants.orders.tick",),
    },
    "catalog-schedules-every-minute": {
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(),
        "args": ("tenants.catalog.apply_schedules",),
    },
    "marketing-every-minute": {  # flash-sale gates reconciled with the database
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(),
        "args": ("tenants.marketing.tick",),
    },
    "points-accrual-every-10-minutes": {  # received orders earn their points
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(minute="*/10"),
        "args": ("tenants.loyalty.accrue",),
    },
    "birthday-gifts-daily": {  # the birthday coupon of each member's level, in the morning
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(hour=8, minute=5),
        "args": ("tenants.marketing.birthdays",),
    },
    "member-levels-hourly": {  # members rise to the levels their received orders reach
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(minute=20),
        "args": ("tenants.loyalty.levels",),
    },
    "crm-tags-daily": {  # rule tags follow their rules
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(hour=4, minute=30),
        "args": ("tenants.crm.tags",),
    },
    "points-expiry-daily": {
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(hour=3, minute=40),
        "args": ("tenants.loyalty.expire",),
    },
    "payment-sweep-every-minute": {
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(),
        "args": ("tenants.payments.sweep",),
    },
    "payouts-sweep-every-10-minutes": {  # withdrawals whose transfer task gave up or was lost
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(minute="*/10"),
        "args": ("tenants.distribution.payouts_sweep",),
    },
    "settlement-daily": {
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(hour=2, minute=30),
        "args": ("tenants.distribution.settle",),
    },
    "bonuses-monthly": {  # after the night's settlement of the 1st: last month's team and target bonuses
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(day_of_month=1, hour=4, minute=10),
        "args": ("tenants.distribution.bonuses",),
    },
    "housekeeping-every-hour": {
        "task": "control_plane.tenancy.tasks.fan_out",
        "schedule": crontab(minute=7),
        "args": ("tenants.staff.tasks.housekeeping",),
    },
    # Control plane, not fanned out: ended trials, grace periods and due downgrades of every store.
    "billing-dunning-hourly": {
        "task": "billing.tasks.dunning",
        "schedule": crontab(minute=17),
    },
}
