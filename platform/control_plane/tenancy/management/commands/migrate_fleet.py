"""Migrate the whole platform: the public schema, the base schema new stores are cloned from, and every
store's schema that has something to apply. Schemas already up to date are found with one query and
skipped, so a no-op run over thousands of stores takes a moment."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import schema_exists
from tqdm import tqdm

from control_plane.tenancy import provisioning
from control_plane.tenancy.bootstrap import platform_bootstrap
from control_plane.tenancy.selectors import store_schemas


class Command(BaseCommand):
    help = "Migrate public, the base schema and every tenant schema with pending migrations."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Apply nothing; exit 1 if any schema has pending migrations.")
        parser.add_argument("--skip-public", action="store_true", help="Leave the public schema alone.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["check"]:
            return self._check()
        if not options["skip_public"]:
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        platform_bootstrap()
        schemas = store_schemas()
        pending = provisioning.schemas_with_pending_migrations(schemas)
        migrated = 0
        for schema_name in tqdm(pending, desc="migrating stores", unit="schema",
                                disable=options["no_progress"] or not pending):
            migrated += provisioning.schema_catch_up(schema_name)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"{len(schemas)} store schemas checked, {len(pending)} migrated ({migrated} with schema changes, "
            f"{len(pending) - migrated} records only), {len(schemas) - len(pending)} already up to date "
            f"({elapsed:.2f}s)."))

    def _check(self) -> None:
        connection.set_schema_to_public()
        base = provisioning.base_schema_name()
        schemas = store_schemas()
        if schema_exists(base):
            schemas.append(base)
        else:
            raise CommandError(f"The base schema {base!r} is missing; run migrate_fleet.")
        pending = provisioning.schemas_with_pending_migrations(schemas)
        if pending:
            raise CommandError(f"{len(pending)} schema(s) have pending migrations: {', '.join(pending[:10])}")
        self.stdout.write(self.style.SUCCESS(f"All {len(schemas)} schemas are up to date."))
