"""What a store's pages keep in the cache until the store changes it."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django_tenants.utils import schema_context

from .schema import current_schema


def forget_on_commit(key: str) -> None:
    """Delete the store's cached ``key`` once the current transaction commits. The cache's keys carry the
    schema the connection is in when they are used, so the deletion runs in the store the change was made
    in, whatever schema the connection has moved to by the time the commit comes."""
    schema = current_schema()

    def forget() -> None:
        with schema_context(schema):
            cache.delete(key)

    transaction.on_commit(forget)
