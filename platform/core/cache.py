"""What a store's pages keep in the cache until the store changes it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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


_TOGETHER: ContextVar[dict | None] = ContextVar("kept_together", default=None)


@contextmanager
def kept_together(*keys: str) -> Iterator[None]:
    """Inside the block, the store's kept entries ``keys`` come from one round trip to the cache (a page that
    needs several of them reads them at once); ``kept_get`` answers from it, and goes to the cache for the rest."""
    token = _TOGETHER.set(cache.get_many(list(keys)))
    try:
        yield
    finally:
        _TOGETHER.reset(token)


def kept_get(key: str):
    """The store's kept entry ``key`` (None when it is not kept), from ``kept_together`` when it read it."""
    together = _TOGETHER.get()
    if together is not None and key in together:
        return together[key]
    return cache.get(key)
