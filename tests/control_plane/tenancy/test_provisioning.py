"""Clone provisioning, migration detection and the fleet migration command."""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from control_plane.tenancy import provisioning
from control_plane.tenancy.models import SchemaScript
from control_plane.tenancy.services import tenant_provision


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def _catalog(schema: str) -> dict[str, set]:
    """Names matter, not only shapes: later migrations drop and alter constraints and indexes by name."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname || '.' || k.conname || ':' || pg_get_constraintdef(k.oid) "
                       "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s", [schema])
        constraints = {row[0].replace(f"{schema}.", "") for row in cursor.fetchall()}
        cursor.execute("SELECT tablename || '.' || indexname FROM pg_indexes WHERE schemaname = %s", [schema])
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT event_object_table || '.' || trigger_name || ':' || event_manipulation "
                       "FROM information_schema.triggers WHERE trigger_schema = %s", [schema])
        triggers = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                       "WHERE n.nspname = %s", [schema])
        functions = {row[0] for row in cursor.fetchall()}
    return {"tables": _tables(schema), "constraints": constraints, "indexes": indexes, "triggers": triggers,
            "functions": functions}


def test_clone_and_migration_give_the_same_schema(db):
    cloned = tenant_provision(slug="cloned", name="C", template_code="beauty", by_clone=True)
    migrated = tenant_provision(slug="migrated", name="M", template_code="beauty", by_clone=False)
    cloned_catalog, migrated_catalog = _catalog(cloned.schema_name), _catalog(migrated.schema_name)
    for kind in ("tables", "constraints", "indexes", "triggers", "functions"):
        assert cloned_catalog[kind] == migrated_catalog[kind], kind
    assert "storefront_storefrontlayout" in _tables(cloned.schema_name)
    assert "tenancy_tenant" not in _tables(cloned.schema_name)  # control-plane tables stay in public
    for schema in (cloned.schema_name, migrated.schema_name):
        assert provisioning.expected_migrations() <= provisioning.applied_migrations(schema)


def test_pending_migrations_are_found_in_one_pass(store_a, store_b):
    assert provisioning.schemas_with_pending_migrations([store_a.schema, store_b.schema]) == []
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{store_b.schema}".django_migrations WHERE app = %s', ["storefront"])
    assert provisioning.schemas_with_pending_migrations([store_a.schema, store_b.schema]) == [store_b.schema]


def test_fleet_migration_skips_schemas_with_nothing_to_apply(store_a, store_b):
    with mock.patch.object(provisioning, "migrate_schema") as migrate:
        call_command("migrate_fleet", skip_public=True, no_progress=True, stdout=StringIO())
    migrate.assert_not_called()


def test_fleet_migration_applies_what_is_pending(store_b):
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{store_b.schema}".storefront_storefrontlayout')
        cursor.execute(f'DELETE FROM "{store_b.schema}".django_migrations WHERE app = %s', ["storefront"])
    with pytest.raises(CommandError, match=store_b.schema):
        call_command("migrate_fleet", check=True, stdout=StringIO())
    out = StringIO()
    call_command("migrate_fleet", skip_public=True, no_progress=True, stdout=out)
    assert "1 migrated" in out.getvalue()
    assert "storefront_storefrontlayout" in _tables(store_b.schema)
    call_command("migrate_fleet", check=True, stdout=StringIO())


def test_new_stores_are_made_from_the_schema_script(db):
    script = SchemaScript.objects.get(fingerprint=provisioning.migrations_fingerprint())
    assert provisioning.PLACEHOLDER in script.sql and "tenant_base" not in script.sql
    with mock.patch.object(connection, "cursor", wraps=connection.cursor) as cursor:
        provisioning.schema_create_by_clone("t_scripted")
    assert cursor.call_count == 1  # one round trip of DDL, no catalog-walking clone function
    assert provisioning.expected_migrations() <= provisioning.applied_migrations("t_scripted")


def test_without_a_script_the_clone_function_is_the_fallback(db):
    SchemaScript.objects.all().delete()
    provisioning._script_for.cache_clear()
    try:
        tenant = tenant_provision(slug="fallback", name="F", template_code="beauty", by_clone=True)
        assert "storefront_storefrontlayout" in _tables(tenant.schema_name)
    finally:
        provisioning._script_for.cache_clear()


def test_clone_without_a_base_schema_or_script_is_a_clear_error(db, settings):
    SchemaScript.objects.all().delete()
    provisioning._script_for.cache_clear()
    settings.TENANT_BASE_SCHEMA = "no_such_base"
    try:
        with pytest.raises(provisioning.ProvisioningError, match="migrate_fleet"):
            provisioning.schema_create_by_clone("t_orphan")
    finally:
        provisioning._script_for.cache_clear()


def test_control_plane_migrations_are_only_recorded_in_store_schemas(store_b):
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{store_b.schema}".django_migrations WHERE app = %s', ["operators"])
    with mock.patch.object(provisioning, "migrate_schema") as migrate:
        out = StringIO()
        call_command("migrate_fleet", skip_public=True, no_progress=True, stdout=out)
    migrate.assert_not_called()
    assert "1 migrated (0 with schema changes, 1 records only)" in out.getvalue()
    assert provisioning.expected_migrations() <= provisioning.applied_migrations(store_b.schema)
