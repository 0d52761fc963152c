"""PostgreSQL advisory locks, keyed by text and scoped to the current store's schema (advisory locks are
database-wide, so two stores must never share a key)."""

from __future__ import annotations

from django.db import connection

from .schema import current_schema


def _key(name: str) -> str:
    return f"{current_schema()}:{name}"


def advisory_xact_lock(name: str) -> None:
    """Wait for the lock ``name`` of this schema; it is held until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_key(name)])


def advisory_try_session_lock(name: str) -> bool:
    """Take the session lock ``name`` of this schema if free. It is held until released or until the
    connection ends — a process killed mid-way lets go of it with its connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [_key(name)])
        return bool(cursor.fetchone()[0])


def advisory_session_unlock(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [_key(name)])
