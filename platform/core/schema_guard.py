"""A guard that makes a query against the wrong plane raise, installed with
``connection.execute_wrapper`` (in tests, always).

In a tenant schema the search path still includes ``public``, so tenant code reading a control-plane table
would silently work; this guard turns that into an error. Control-plane reads from tenant context must
switch to the public schema explicitly (``schema_context("public")``), which is what selectors do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# A quoted name standing alone ("table"), not part of a qualified name: "schema"."table" names its schema
# explicitly (provisioning does that from public on purpose) and "table"."column" also appears unqualified
# in the FROM clause of the same query.
_QUOTED = re.compile(r'(?<![."])"([a-z0-9_]+)"(?!\.)')


class WrongPlaneQuery(AssertionError):
    pass


class SchemaGuard:
    def __init__(self, *, control_tables: Iterable[str], tenant_tables: Iterable[str],
                 schema_name: Callable[[], str], public_schema: str = "public"):
        self.control_tables = frozenset(control_tables)
        self.tenant_tables = frozenset(tenant_tables)
        self.schema_name = schema_name
        self.public_schema = public_schema

    def __call__(self, execute, sql, params, many, context):
        schema = self.schema_name()
        forbidden = self.tenant_tables if schema == self.public_schema else self.control_tables
        tables = set(_QUOTED.findall(sql)) & forbidden
        if tables:
            plane = "tenant" if schema == self.public_schema else "control"
            raise WrongPlaneQuery(
                f"Query in schema {schema!r} touches {plane}-plane table(s) {sorted(tables)}: {sql[:200]}"
            )
        return execute(sql, params, many, context)
