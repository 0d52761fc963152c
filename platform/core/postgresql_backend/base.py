"""django-tenants' PostgreSQL backend, with the schema switch riding on the next statement.

django-tenants sends ``SET search_path`` as a statement of its own whenever a cursor is opened in a
schema the connection is not in yet: with stores picked at random, a database round-trip before nearly
every request's first query. Here the SET goes in front of the cursor's first statement instead
(``SET search_path = ...;SELECT ...``): PostgreSQL runs both, in order, in one round-trip, and if the
statement fails the SET fails with it. Only plain queries and data changes carry it (two statements
sent together run as one transaction block, where VACUUM, CREATE DATABASE and the like refuse to run);
everything else (DDL, a server-side cursor, ``executemany``, ``callproc``, COPY, a composed statement)
gets the SET on its own first, as before. The connection is only taken to be in the schema once a
statement carrying the SET succeeded, and only if the connection was not switched to another schema
meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

from django_tenants.postgresql_backend import base as tenants_base
from django_tenants.utils import get_limit_set_calls, quote_schema_name
from psycopg2.extensions import cursor as Psycopg2Cursor

_CARRIERS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


class SearchPathCursor(Psycopg2Cursor):
    """A psycopg2 cursor that sends a pending ``SET search_path`` with its next statement."""

    pending_set = ""
    on_set: Callable[[], None] = staticmethod(lambda: None)  # what to record once the pending SET went out

    def execute(self, query, vars=None):
        if not self.pending_set:
            return super().execute(query, vars)
        if not isinstance(query, str) or not query.lstrip()[:6].upper().startswith(_CARRIERS):
            self._send_pending_set()
            return super().execute(query, vars)
        pending, on_set = self.pending_set, self.on_set
        self.pending_set = ""
        # With parameters, psycopg2 interpolates the whole text: a "%" in a schema name must be escaped.
        prefix = pending.replace("%", "%%") if vars is not None else pending
        super().execute(prefix + query, vars)
        on_set()

    def _send_pending_set(self) -> None:
        pending, on_set = self.pending_set, self.on_set
        if pending:
            self.pending_set = ""
            super().execute(pending)
            on_set()

    def executemany(self, query, vars_list):
        self._send_pending_set()
        return super().executemany(query, vars_list)

    def callproc(self, procname, parameters=None):
        self._send_pending_set()
        return super().callproc(procname, parameters)

    def copy_expert(self, sql, file, size=8192):
        self._send_pending_set()
        return super().copy_expert(sql, file, size)

    def copy_from(self, *args, **kwargs):
        self._send_pending_set()
        return super().copy_from(*args, **kwargs)

    def copy_to(self, *args, **kwargs):
        self._send_pending_set()
        return super().copy_to(*args, **kwargs)


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        params["cursor_factory"] = SearchPathCursor
        return params

    def _handle_search_path(self, cursor=None):
        raw = getattr(cursor, "cursor", None)
        if (not isinstance(raw, SearchPathCursor) or not self.schema_name or self._setting_search_path
                or (get_limit_set_calls() and self.search_path_set_schemas)):
            return super()._handle_search_path(cursor)  # which also refuses a connection with no schema set
        search_paths = self._get_cursor_search_paths()
        raw.pending_set = "SET search_path = {};".format(",".join(quote_schema_name(s) for s in search_paths))
        raw.on_set = lambda: self._search_path_was_set(search_paths)

    def _search_path_was_set(self, search_paths: list[str]) -> None:
        # A cursor opened before a switch to another schema may run after it: the connection is then in
        # the old schema, so the next cursor must set the path again.
        current = self._get_cursor_search_paths() if self.schema_name else None
        self.search_path_set_schemas = search_paths if search_paths == current else None
