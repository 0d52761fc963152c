"""Beat fans out per-tenant periodic work: one task per store, sent from inside that store's schema."""

from __future__ import annotations

from celery import current_app, shared_task
from django_tenants.utils import schema_context

from .selectors import tenant_schemas_for_fan_out


@shared_task(name="control_plane.tenancy.tasks.fan_out")
def fan_out(task_name: str) -> int:
    """Send ``task_name`` once for every store whose jobs run; returns how many were sent."""
    schemas = tenant_schemas_for_fan_out()
    for schema_name in schemas:
        # tenant-schemas-celery stamps the schema of the current connection on the message.
        with schema_context(schema_name):
            current_app.send_task(task_name)
    return len(schemas)
