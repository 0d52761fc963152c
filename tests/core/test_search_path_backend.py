"""The schema switch rides on the next statement: one round-trip, and never a query in a stale schema."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context
from psycopg2.extensions import cursor as Psycopg2Cursor

from core.postgresql_backend.base import SearchPathCursor


@contextmanager
def statements_sent():
    """The texts the driver sends to the server, one per round-trip, from this connection's new cursors."""
    sent: list[str] = []

    class Recording(Psycopg2Cursor):
        def execute(self, query, vars=None):
            sent.append(query)
            return super().execute(query, vars)

    connection.ensure_connection()
    raw = connection.connection
    previous = raw.cursor_factory
    raw.cursor_factory = type("RecordingSearchPathCursor", (SearchPathCursor, Recording), {})
    try:
        yield sent
    finally:
        raw.cursor_factory = previous


def current_schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def test_the_first_query_in_another_schema_is_one_round_trip(store_a, store_b):
    with statements_sent() as sent:
        with schema_context(store_a.schema):
            assert current_schema() == store_a.schema
            assert current_schema() == store_a.schema  # already there: nothing more to send
        with schema_context(store_b.schema):
            assert current_schema() == store_b.schema
    assert sent == [f'SET search_path = "{store_a.schema}","public";SELECT current_schema()',
                    "SELECT current_schema()",
                    f'SET search_path = "{store_b.schema}","public";SELECT current_schema()']


def test_statements_that_cannot_carry_it_get_the_set_on_its_own(store_a):
    with statements_sent() as sent, schema_context(store_a.schema), connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        assert cursor.fetchone()[0] == f"{store_a.schema}, public"
    assert sent == [f'SET search_path = "{store_a.schema}","public";', "SHOW search_path"]


def test_parameters_are_interpolated_after_the_set(store_a):
    with statements_sent() as sent, schema_context(store_a.schema), connection.cursor() as cursor:
        cursor.execute("SELECT %s || '%%', current_schema()", ["100"])
        assert cursor.fetchone() == ("100%", store_a.schema)
    assert len(sent) == 1


def test_a_cursor_opened_before_a_switch_never_leaves_the_connection_in_the_wrong_schema(store_a, store_b):
    connection.set_schema(store_a.schema)
    early = connection.cursor()  # carries the SET for store A
    connection.set_schema(store_b.schema)
    assert current_schema() == store_b.schema
    early.execute("SELECT current_schema()")  # runs the SET for store A after all
    assert early.fetchone()[0] == store_a.schema
    early.close()
    assert current_schema() == store_b.schema  # so the next cursor sets store B's path again


def test_a_failed_statement_takes_its_set_with_it_and_the_next_one_sets_it_again(store_a):
    with schema_context(store_a.schema):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
        assert current_schema() == store_a.schema
