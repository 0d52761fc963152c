"""Celery helpers for tenant-plane jobs."""

from __future__ import annotations

from django.db import transaction
from django_tenants.utils import get_public_schema_name
from tenant_schemas_celery.task import TenantTask

from .schema import current_schema


class WrongSchemaError(RuntimeError):
    pass


class TenantOnlyTask(TenantTask):
    """A task that belongs to one store. It runs in the schema it was sent from and refuses to run in
    ``public``, where it would read or write the wrong tables (or fail on missing ones)."""

    abstract = True

    def __call__(self, *args, **kwargs):
        if current_schema() == get_public_schema_name():
            raise WrongSchemaError(f"{self.name} is a tenant task and was run in the public schema; "
                                   "send it from inside the tenant's schema.")
        return super().__call__(*args, **kwargs)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send ``task`` once the current transaction commits, stamped with the schema active *now* (the
    schema may differ by the time the on-commit callback runs)."""
    schema_name = current_schema()
    transaction.on_commit(
        lambda: task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema_name})
    )
