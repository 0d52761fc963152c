"""Provisioning benchmark: sign-up by cloning the base schema vs. replaying migrations, with a fleet of
stores already present, and fleet migrations over all of them (no-op, and one real AddField).

    .venv/bin/python bench/provision.py [--tenants 500] [--samples 30] [--migrate-samples 5]

Prints name=value lines: provision_clone_p50_s, provision_clone_p95_s, provision_migrate_p50_s (the tenant
row, domain, schema and template defaults), signup_clone_p50_s (plus the owner's account),
migrate_noop_per_tenant_ms, migrate_real_per_tenant_ms (and tenants, migrations). Uses its own database
(distmall_bench_prov) and Redis DB 12; the benchmark-only tenant app bench.probe_app supplies the
AddField (bench/settings.py).
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

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": os.environ.get("BENCH_PROV_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/distmall_bench_prov"),
    "REDIS_URL": os.environ.get("BENCH_PROV_REDIS_URL", "redis://127.0.0.1:6379/12"),
    "BENCH_PROBE_VERSION": "1",
    "DJANGO_DEBUG": "false",
}
os.environ.update(ENV)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=500, help="stores present before timing")
    parser.add_argument("--samples", type=int, default=30, help="clone sign-ups timed")
    parser.add_argument("--migrate-samples", type=int, default=5, help="migration sign-ups timed")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO / "infra"))
    from wait_for import createdb

    createdb(os.environ["DATABASE_URL"])
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

    devnull = open(os.devnull, "w")  # noqa: SIM115
    _reset_probe_to_v1(connection)
    call_command("migrate_fleet", no_progress=True, stdout=devnull)
    template = template_get_active(code="beauty")

    def signup(slug: str, by_clone: bool) -> tuple[float, float]:
        """(provisioning seconds, sign-up seconds): provisioning is the tenant row, domain, schema and the
        template's defaults; sign-up adds the owner's account, whose password hash is deliberately slow."""
        started = time.perf_counter()
        with transaction.atomic():
            tenant = tenant_provision(slug=slug, name=slug, template_code="beauty", by_clone=by_clone)
            with schema_context(tenant.schema_name):
                storefront_apply_template(template=template)
                provisioned = time.perf_counter() - started
                staff_create_owner(login=f"owner@{slug}.test", password="bench-Passw0rd!")
        return provisioned, time.perf_counter() - started

    def drop(slug: str) -> None:
        tenant = Tenant.objects.get(slug=slug)
        Domain.objects.filter(tenant=tenant).delete()
        Tenant.objects.filter(pk=tenant.pk).delete()
        provisioning.schema_drop(tenant.schema_name)

    present = Tenant.objects.filter(slug__startswith="fleet-").count()
    for i in tqdm(range(present, args.tenants), desc="creating the fleet", unit="store", file=sys.stderr,
                  disable=present >= args.tenants):
        signup(f"fleet-{i:05d}", by_clone=True)
    fleet = Tenant.objects.filter(slug__startswith="fleet-").count()

    clone = [signup(f"sample-c{i:03d}", by_clone=True)
             for i in tqdm(range(args.samples), desc="timing clone sign-ups", file=sys.stderr)]
    migrate = [signup(f"sample-m{i:03d}", by_clone=False)
               for i in tqdm(range(args.migrate_samples), desc="timing migration sign-ups", file=sys.stderr)]
    clone_times, migrate_times = [p for p, _ in clone], [p for p, _ in migrate]
    for slug in Tenant.objects.filter(slug__startswith="sample-").values_list("slug", flat=True):
        drop(slug)

    stores = Tenant.objects.exclude(schema_name="public").count()
    started = time.perf_counter()
    call_command("migrate_fleet", skip_public=True, no_progress=True, stdout=devnull)
    noop_s = time.perf_counter() - started

    # One real AddField on every store: the same command in a process that sees migration 0002.
    real = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "migrate_fleet", "--skip-public", "--no-progress"],
        cwd=REPO, env={**os.environ, "BENCH_PROBE_VERSION": "2"}, capture_output=True, text=True, check=True,
    )
    real_s = float(re.search(r"\(([\d.]+)s\)", real.stdout).group(1))
    migrated = int(re.search(r"(\d+) migrated", real.stdout).group(1))

    print(f"tenants={stores}")
    print(f"fleet_stores={fleet}")
    print(f"migrations={len(provisioning.expected_migrations())}")
    print(f"provision_clone_p50_s={statistics.median(clone_times):.3f}")
    print(f"provision_clone_p95_s={_percentile(clone_times, 95):.3f}")
    print(f"provision_migrate_p50_s={statistics.median(migrate_times):.3f}")
    print(f"signup_clone_p50_s={statistics.median(s for _, s in clone):.3f}")
    print(f"migrate_noop_per_tenant_ms={noop_s * 1000 / stores:.2f}")
    print(f"migrate_real_schemas={migrated}")
    print(f"migrate_real_per_tenant_ms={real_s * 1000 / max(migrated, 1):.1f}")
    return 0


def _reset_probe_to_v1(connection) -> None:
    """A previous run left the probe at v2 everywhere: undo its one column so this run can time it again."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_schema FROM information_schema.columns "
                       "WHERE table_name = 'probe_app_probe' AND column_name = 'note'")
        schemas = [row[0] for row in cursor.fetchall()]
        for schema in schemas:
            cursor.execute(f'ALTER TABLE "{schema}".probe_app_probe DROP COLUMN note')
            cursor.execute(f'DELETE FROM "{schema}".django_migrations '
                           "WHERE app = 'probe_app' AND name = '0002_probe_note'")


if __name__ == "__main__":
    sys.exit(main())
