"""The schema the database connection is in. django-tenants' backend gives the connection ``schema_name``;
Django's own types do not know it, so code asks here (typed) rather than reaching for the attribute."""

from __future__ import annotations

from django.db import connection


def current_schema() -> str:
    return connection.schema_name  # type: ignore[attr-defined]  # set by django-tenants' backend
