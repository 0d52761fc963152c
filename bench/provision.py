"""Provisioning benchmark: new stores made by cloning the base schema vs. by replaying every migration, with a
fleet of stores already present, and fleet migrations over all of them (a no-op, and one real AddField).

    .venv/bin/python bench/provision.py [--tenants 500] [--samples 30] [--migrate-samples 5] [--fresh]

Prints name=value lines on stdout (progress bars go to stderr):

- ``provision_clone_p50_s``, ``provision_clone_p95_s``, ``provision_migrate_p50_s``: one store's sign-up
  minus the owner's account — the tenant row, its domain, its schema (cloned, or migrated) and the template's
  defaults, in one transaction, commit included. ``signup_clone_p50_s`` adds the owner's account, whose
  password hash is slow on purpose and has nothing to do with provisioning.
- ``migrate_noop_per_tenant_ms``: ``migrate_fleet`` (public included, as an operator runs it) with nothing to
  apply, divided by the number of stores; ``migrate_real_per_tenant_ms``: the same command applying one
  trivial AddField to every store schema, in a fresh process that sees the new migration.
- ``tenants`` (store schemas), ``migrations`` (migrations every store records).

The fleet is the stores ``bench-00001`` … ``bench-{N}``, created on the first run (several minutes for 500)
and reused afterwards. The timed sample stores are dropped again, so every run starts from the same fleet.

Everything happens in its own database, ``distmall_bench`` (``BENCH_DATABASE_URL`` overrides; ``--fresh``
drops and recreates it), and Redis DB 12 (``BENCH_REDIS_URL``). The AddField comes from the benchmark-only
tenant app ``bench.probe_app`` (see bench/settings.py): this process runs with its migrations v1, the timed
fleet migration with v2 (one more migration); each run first rolls every schema back to v1.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]  # like manage.py: `config`, `core`, … import from platform/

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/distmall_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
FLEET_PREFIX = "bench-"
SAMPLE_PREFIX = "bench-sample-"
TEMPLATE = "beauty"

os.environ.update({
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
    "BENCH_PROBE_VERSION": "1",
    "DJANGO_DEBUG": "false",  # DEBUG would keep every query in memory
})
for _name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
    os.environ.pop(_name, None)  # follow REDIS_URL, never the development broker


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _database_prepare(url: str, *, fresh: bool) -> None:
    """Create the benchmark database if missing (drop it first with --fresh); refuse the development one."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name == "distmall" or not name.startswith("distmall_bench"):
        raise SystemExit(f"refusing to use database {name!r}: the benchmark needs its own (distmall_bench…)")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(maintenance)
    conn.autocommit = True
    with conn.cursor() as cursor:
        if fresh:
            _log(f"dropping database {name}")
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            _log(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def _redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def _probe_reset_to_v1() -> None:
    """A previous run left bench.probe_app at v2 (migration 0002 applied) in every schema, maybe only in some
    if it was interrupted. Put every schema back to 0001 — drop the column, forget the record — so this run
    times the AddField again; and forget the schema scripts of other migration sets, so the timed migration
    pays for writing its new one, as a real one does. Idempotent, a no-op on a fresh database."""
    from django.db import connection

    from control_plane.tenancy import provisioning

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.tenancy_tenant') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return
        cursor.execute("SELECT schema_name FROM public.tenancy_tenant WHERE schema_name <> 'public' "
                       "UNION SELECT nspname FROM pg_namespace WHERE nspname = %s",
                       [provisioning.base_schema_name()])
        schemas = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(schemas), 100):
            cursor.execute("; ".join(
                f'ALTER TABLE IF EXISTS "{schema}".probe_app_probe DROP COLUMN IF EXISTS note; '
                f'DELETE FROM "{schema}".django_migrations WHERE app = \'probe_app\' AND name <> \'0001_initial\''
                for schema in schemas[start:start + 100]))
        cursor.execute("DELETE FROM public.django_migrations WHERE app = 'probe_app' AND name <> '0001_initial'")
        cursor.execute("DELETE FROM public.tenancy_schemascript WHERE fingerprint <> %s",
                       [provisioning.migrations_fingerprint()])


def _migrate_fleet_subprocess(probe_version: str) -> tuple[float, int, int]:
    """``manage.py migrate_fleet`` in a fresh process; (its own elapsed seconds, schemas checked, migrated)."""
    result = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "migrate_fleet", "--no-progress"],
        cwd=REPO, env={**os.environ, "BENCH_PROBE_VERSION": probe_version}, capture_output=True, text=True,
        check=False,
    )
    if result.returncode != 0:
        _log(result.stdout + result.stderr)
        raise SystemExit("migrate_fleet failed")
    summary = re.search(r"(\d+) store schemas checked, (\d+) migrated .*\(([\d.]+)s\)", result.stdout)
    if summary is None:
        raise SystemExit(f"unexpected migrate_fleet output: {result.stdout!r}")
    return float(summary.group(3)), int(summary.group(1)), int(summary.group(2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=500, help="stores present before timing (default 500)")
    parser.add_argument("--samples", type=int, default=30, help="clone provisions timed (default 30)")
    parser.add_argument("--migrate-samples", type=int, default=5, help="migration provisions timed (default 5)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the benchmark database")
    args = parser.parse_args()

    _database_prepare(os.environ["DATABASE_URL"], fresh=args.fresh)
    if args.fresh:
        _redis_flush(os.environ["REDIS_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_tenants.utils import schema_context
    from tqdm import tqdm

    from control_plane.storefront_templates.selectors import template_get_active
    from control_plane.tenancy import provisioning
    from control_plane.tenancy.models import Domain, Tenant
    from control_plane.tenancy.services import tenant_provision
    from tenants.staff.services import staff_create_owner
    from tenants.storefront.services import storefront_apply_template

    devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process

    def provision(slug: str, *, by_clone: bool) -> tuple[float, str]:
        """(seconds, schema) for one store: row, domain, schema and template defaults, in one transaction
        with its commit."""
        started = time.perf_counter()
        with transaction.atomic():
            tenant = tenant_provision(slug=slug, name=slug, template_code=TEMPLATE, owner_login=f"owner@{slug}.test",
                                      by_clone=by_clone)
            with schema_context(tenant.schema_name):
                storefront_apply_template(template=template)
        return time.perf_counter() - started, tenant.schema_name

    def signup(slug: str, *, by_clone: bool) -> tuple[float, float]:
        """(provisioning seconds, sign-up seconds): a sign-up is provisioning plus the owner's account."""
        provisioned, schema_name = provision(slug, by_clone=by_clone)
        started = time.perf_counter()
        with schema_context(schema_name), transaction.atomic():
            staff_create_owner(login=f"owner@{slug}.test", password="bench-Passw0rd!")
        return provisioned, provisioned + time.perf_counter() - started

    def drop(tenant: Tenant) -> None:
        with transaction.atomic():
            Domain.objects.filter(tenant=tenant).delete()
            Tenant.objects.filter(pk=tenant.pk).delete()
            provisioning.schema_drop(tenant.schema_name)

    # 1. Schemas at probe v1 everywhere, then public, the base schema and every store migrated.
    _probe_reset_to_v1()
    _log("migrate_fleet (probe v1)")
    call_command("migrate_fleet", no_progress=True, stdout=devnull)
    connection.set_schema_to_public()
    template = template_get_active(code=TEMPLATE)
    for leftover in Tenant.objects.filter(slug__startswith=SAMPLE_PREFIX):  # an interrupted earlier run
        drop(leftover)

    # 2. The fleet: bench-00001 … bench-N, topped up with the real provisioning (clone) path.
    present = set(Tenant.objects.filter(slug__startswith=FLEET_PREFIX).values_list("slug", flat=True))
    missing = [slug for i in range(1, args.tenants + 1) if (slug := f"{FLEET_PREFIX}{i:05d}") not in present]
    for slug in tqdm(missing, desc="creating the fleet", unit="store", file=sys.stderr, disable=not missing):
        provision(slug, by_clone=True)
    fleet = Tenant.objects.exclude(schema_name="public").count()

    # 3. Timed sign-ups on top of the fleet; the sample stores are dropped afterwards.
    clone = [signup(f"{SAMPLE_PREFIX}c{i:03d}", by_clone=True)
             for i in tqdm(range(1, args.samples + 1), desc="timing clone provisions", file=sys.stderr)]
    migrate = [signup(f"{SAMPLE_PREFIX}m{i:03d}", by_clone=False)
               for i in tqdm(range(1, args.migrate_samples + 1), desc="timing migration provisions", file=sys.stderr)]
    for sample in Tenant.objects.filter(slug__startswith=SAMPLE_PREFIX):
        drop(sample)

    # 4. Fleet migrations over every store: nothing to apply (this process, migration graph loaded afresh),
    #    then one AddField on every schema (a process that sees probe_app 0002).
    stores = Tenant.objects.exclude(schema_name="public").count()
    provisioning.expected_migrations.cache_clear()
    _log("migrate_fleet, nothing to apply")
    started = time.perf_counter()
    call_command("migrate_fleet", no_progress=True, stdout=devnull)
    noop_s = time.perf_counter() - started
    _log("migrate_fleet, probe v2 (one AddField per schema)")
    real_s, checked, migrated = _migrate_fleet_subprocess("2")
    if migrated != checked:
        raise SystemExit(f"only {migrated} of {checked} store schemas got the AddField")

    print(f"tenants={stores}")
    print(f"migrations={len(provisioning.expected_migrations())}")
    print(f"provision_clone_p50_s={statistics.median(p for p, _ in clone):.3f}")
    print(f"provision_clone_p95_s={_percentile([p for p, _ in clone], 95):.3f}")
    print(f"provision_clone_max_s={max(p for p, _ in clone):.3f}")
    print(f"provision_migrate_p50_s={statistics.median(p for p, _ in migrate):.3f}")
    print(f"signup_clone_p50_s={statistics.median(s for _, s in clone):.3f}")
    print(f"migrate_noop_total_s={noop_s:.2f}")
    print(f"migrate_noop_per_tenant_ms={noop_s * 1000 / stores:.2f}")
    print(f"migrate_real_total_s={real_s:.2f}")
    print(f"migrate_real_per_tenant_ms={real_s * 1000 / checked:.1f}")
    assert fleet >= args.tenants, fleet
    return 0


if __name__ == "__main__":
    sys.exit(main())
