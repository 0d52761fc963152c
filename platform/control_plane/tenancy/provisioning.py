"""Creating tenant schemas.

New stores are copies of the migrated base schema ``settings.TENANT_BASE_SCHEMA``, never a replay of
every migration. The copy is made from a *schema script*: the base schema dumped once by ``pg_dump``
(structure, functions, triggers and its few rows, such as the migration records) with the schema name
left as a placeholder, stored in the public schema under the fingerprint of the migrations it contains.
Replaying it is one round trip of plain DDL, and — unlike django-tenants' ``clone_schema()`` function,
which introspects the catalog and slows down as the fleet's schemas fill it (about 2 s per store at a
few hundred stores) — costs the same at any fleet size.

``clone_schema()`` (installed once by a migration of this app) remains the fallback when no script for
the current migrations exists, e.g. where pg_dump is not installed. ``migrate_fleet`` keeps the base
schema and its script current; a copy that finds itself behind is migrated for real.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from functools import lru_cache

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists

from .models import SchemaScript

PLACEHOLDER = "__schema__"


class ProvisioningError(Exception):
    pass


def base_schema_name() -> str:
    return settings.TENANT_BASE_SCHEMA


@lru_cache(maxsize=1)
def expected_migrations() -> frozenset[tuple[str, str]]:
    """Every migration this code base knows of. A tenant schema records all of them as applied (the
    tenant router skips the operations of control-plane apps but still records them)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


def applied_migrations(schema_name: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations')  # noqa: S608
        return set(cursor.fetchall())


def migrate_schema(schema_name: str, *, verbosity: int = 0) -> None:
    call_command("migrate_schemas", tenant=True, schema_name=schema_name, interactive=False,
                 verbosity=verbosity)
    connection.set_schema_to_public()


def schema_catch_up(schema_name: str) -> bool:
    """Bring one store schema up to date. Migrations of control-plane apps have nothing to do in a store's
    schema (the router skips them) and are only recorded — one INSERT instead of a migration run.
    Returns True if real migrations ran."""
    missing = expected_migrations() - applied_migrations(schema_name)
    tenant_labels = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS}
    if any(app in tenant_labels for app, _ in missing):
        migrate_schema(schema_name)
        return True
    if missing:
        rows = sorted(missing)
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{schema_name}".django_migrations (app, name, applied) VALUES '  # noqa: S608
                + ", ".join(["(%s, %s, now())"] * len(rows)),
                [item for row in rows for item in row],
            )
    return False


def schema_create_by_migration(schema_name: str) -> None:
    """The slow path: an empty schema and every migration replayed."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    migrate_schema(schema_name)


def migrations_fingerprint() -> str:
    return hashlib.sha256(repr(sorted(expected_migrations())).encode()).hexdigest()[:32]


@lru_cache(maxsize=4)
def _script_for(fingerprint: str) -> str | None:
    return SchemaScript.objects.filter(fingerprint=fingerprint).values_list("sql", flat=True).first()


def schema_create_by_clone(schema_name: str) -> None:
    """Copy the base schema into a new schema (inside the caller's transaction)."""
    base = base_schema_name()
    connection.set_schema_to_public()
    script = _script_for(migrations_fingerprint())
    if script is not None:
        with connection.cursor() as cursor:
            cursor.execute(script.replace(PLACEHOLDER, schema_name))
        return
    if not schema_exists(base):
        raise ProvisioningError(f"The base schema {base!r} does not exist; run `manage.py migrate_fleet`.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.clone_schema(%s, %s, 'DATA')", [base, schema_name])
    _align_constraint_names(base, schema_name)
    if not expected_migrations() <= applied_migrations(schema_name):
        migrate_schema(schema_name)


_DROPPED_LINE = re.compile(r"^(\\|SET |SELECT pg_catalog\.set_config\(|--)")


def _pg_dump(schema: str) -> str:
    db = settings.DATABASES["default"]
    executable = shutil.which(settings.PG_DUMP)
    if executable is None:
        raise ProvisioningError("pg_dump is not installed")
    dsn = " ".join(f"{key}={value}" for key, value in (("host", db["HOST"]), ("port", db["PORT"]),
                                                       ("user", db["USER"]), ("dbname", db["NAME"])) if value)
    result = subprocess.run(  # noqa: S603 - our own settings, no shell
        [executable, "--schema", schema, "--no-owner", "--no-privileges", "--no-comments", "--inserts",
         "--rows-per-insert=500", "--dbname", dsn],
        capture_output=True, text=True, check=False,
        env={**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""},
    )
    if result.returncode != 0:
        raise ProvisioningError(f"pg_dump of {schema} failed: {result.stderr.strip()}")
    return result.stdout


def schema_script_refresh() -> bool:
    """Dump the (committed, up-to-date) base schema into the script new stores are made from, unless the
    script for the current migrations exists. Returns True if a script was written. Without pg_dump,
    provisioning keeps using clone_schema()."""
    fingerprint = migrations_fingerprint()
    if SchemaScript.objects.filter(fingerprint=fingerprint).exists():
        return False
    try:
        dump = _pg_dump(base_schema_name())
    except ProvisioningError:
        return False
    lines = [line for line in dump.splitlines() if line.strip() and not _DROPPED_LINE.match(line)]
    sql = re.sub(rf"\b{re.escape(base_schema_name())}\b", PLACEHOLDER, "\n".join(lines))
    SchemaScript.objects.update_or_create(fingerprint=fingerprint, defaults={"sql": sql})
    _script_for.cache_clear()
    return True


# Pairs each constraint of the clone with the base schema's constraint of the same table, kind and definition.
_MISNAMED_CONSTRAINTS = """
SELECT nc.relname, n.conname, b.conname
  FROM pg_constraint b
  JOIN pg_class bc ON bc.oid = b.conrelid
  JOIN pg_namespace bn ON bn.oid = bc.relnamespace AND bn.nspname = %s
  JOIN pg_namespace nn ON nn.nspname = %s
  JOIN pg_class nc ON nc.relnamespace = nn.oid AND nc.relname = bc.relname
  JOIN pg_constraint n ON n.conrelid = nc.oid AND n.contype = b.contype
                      AND pg_get_constraintdef(n.oid) = pg_get_constraintdef(b.oid)
 WHERE n.conname <> b.conname
   AND NOT EXISTS (SELECT 1 FROM pg_constraint same WHERE same.conrelid = nc.oid AND same.conname = b.conname)
"""


def _align_constraint_names(base: str, schema_name: str) -> None:
    """clone_schema recreates unique constraints under generated names (e.g. ``..._key``). A later
    migration that drops or alters a constraint by its Django name would then fail on cloned stores
    only, so the clone's names are put back to the base schema's."""
    with connection.cursor() as cursor:
        cursor.execute(_MISNAMED_CONSTRAINTS, [base, schema_name])
        for table, clone_name, base_name in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{schema_name}"."{table}" RENAME CONSTRAINT "{clone_name}" TO "{base_name}"')


def base_schema_ensure(*, verbosity: int = 0) -> bool:
    """Create the base schema if missing and bring it up to date. Returns True if anything was applied."""
    base = base_schema_name()
    connection.set_schema_to_public()
    if not schema_exists(base):
        schema_create_by_migration(base)
        return True
    if expected_migrations() <= applied_migrations(base):
        return False
    migrate_schema(base, verbosity=verbosity)
    return True


def schema_drop(schema_name: str) -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')


def schemas_with_pending_migrations(schema_names: list[str], *, batch_size: int = 200) -> list[str]:
    """The schemas among ``schema_names`` that lack any migration the code knows of, found with one query
    per batch of schemas instead of a migration run per schema (most of a no-op fleet migration)."""
    expected = sorted(expected_migrations())
    if not expected or not schema_names:
        return []
    values = ", ".join(["(%s, %s)"] * len(expected))
    params_expected = [item for pair in expected for item in pair]
    pending: list[str] = []
    with connection.cursor() as cursor:
        for start in range(0, len(schema_names), batch_size):
            batch = schema_names[start:start + batch_size]
            parts = [
                f"SELECT %s AS schema_name, count(*) AS applied FROM \"{name}\".django_migrations m "  # noqa: S608
                "JOIN expected e ON e.app = m.app AND e.name = m.name"
                for name in batch
            ]
            sql = f"WITH expected(app, name) AS (VALUES {values}) " + " UNION ALL ".join(parts)
            cursor.execute(sql, params_expected + batch)
            pending += [name for name, applied in cursor.fetchall() if applied < len(expected)]
    return pending
