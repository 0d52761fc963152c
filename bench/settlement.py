"""Settlement benchmark: 1,000,000 frozen commissions across 10 stores, released by the real settlement task.

    .venv/bin/python bench/settlement.py [--commissions 1000000] [--stores 10] [--sample 3000] [--workers N]

Prints name=value lines: settle_rows_per_s (the set-based release through the Celery task, ``settle_workers``
stores at a time, one per CPU by default), beside
orm_loop_rows_per_s (a naive per-row ORM loop on a sample, in the same run), rerun_new_entries (ledger
entries written by a second settlement run: 0) and ledger_balanced. Uses its own database
(distmall_bench_settle) and Redis DB 5.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_SETTLE_DATABASE_URL",
                                            "postgres://postgres@127.0.0.1:5432/distmall_bench_settle")
os.environ["REDIS_URL"] = os.environ.get("BENCH_SETTLE_REDIS_URL", "redis://127.0.0.1:6379/5")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SEED_SQL = """
TRUNCATE distribution_duecommission, distribution_commission, ledger_entry, ledger_journal, ledger_account,
         distribution_distributor, members_member RESTART IDENTITY CASCADE;
INSERT INTO members_member (openid, session_key, nickname, avatar_url, phone, token_version, is_active, created_at)
SELECT 'bench-' || g, '', '', '', '', 1, true, now() FROM generate_series(1, %(distributors)s) g;
INSERT INTO distribution_distributor (member_id, code, status, parent_id, upline_ids, frozen_reason, created_at)
SELECT id, 'B' || lpad(id::text, 7, '0'), 'active', NULL, '{}', '', now() FROM members_member;
INSERT INTO ledger_account (kind, owner_id, balance_fen, created_at)
SELECT k, d.id, 0, now() FROM distribution_distributor d
CROSS JOIN (VALUES ('distributor_frozen'), ('distributor_available')) AS kinds(k);
INSERT INTO ledger_account (kind, owner_id, balance_fen, created_at)
VALUES ('store_commission_expense', NULL, 0, now());
INSERT INTO distribution_commission (order_id, order_number, order_line_id, line_position, distributor_id, level,
    base_fen, quantity, rate_bp, fixed_fen, amount_fen, clawed_back_fen, rule_version, rate_source, is_first_order,
    status, released_at, created_at)
SELECT g, 'B' || g, g, 1, 1 + (g %% %(distributors)s), 1, 10000, 1, 1000, NULL, 1000 + (g %% 97), 0, 1, 'level', true,
       'frozen', NULL, now()
  FROM generate_series(1, %(rows)s) g;
INSERT INTO distribution_duecommission (commission_id, order_id, release_at)
SELECT id, order_id, now() - interval '1 day' FROM distribution_commission;
INSERT INTO ledger_journal (kind, idempotency_key, reference, memo, created_at)
SELECT 'accrual', 'accrual:' || id, order_number, '', now() FROM distribution_commission;
INSERT INTO ledger_entry (journal_id, account_id, amount_fen, created_at)
SELECT j.id, CASE WHEN side = 1 THEN fa.id ELSE ex.id END, CASE WHEN side = 1 THEN c.amount_fen ELSE -c.amount_fen END,
       now()
  FROM distribution_commission c
  JOIN ledger_journal j ON j.idempotency_key = 'accrual:' || c.id
  JOIN ledger_account fa ON fa.kind = 'distributor_frozen' AND fa.owner_id = c.distributor_id
  CROSS JOIN (SELECT id FROM ledger_account WHERE kind = 'store_commission_expense') ex
  CROSS JOIN (VALUES (1), (2)) AS sides(side);
UPDATE ledger_account a SET balance_fen = s.total
  FROM (SELECT account_id, sum(amount_fen) AS total FROM ledger_entry GROUP BY account_id) s WHERE a.id = s.account_id;
ANALYZE distribution_commission; ANALYZE ledger_account; ANALYZE ledger_journal; ANALYZE ledger_entry;
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commissions", type=int, default=1_000_000)
    parser.add_argument("--stores", type=int, default=10)
    parser.add_argument("--distributors", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=3000, help="rows for the naive ORM loop")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="stores settled at once (default: one per CPU, like a worker per CPU)")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO / "infra"))
    from wait_for import createdb

    createdb(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections, transaction
    from django.utils import timezone
    from django_tenants.utils import schema_context
    from tqdm import tqdm

    from control_plane.tenancy.models import Tenant
    from control_plane.tenancy.services import tenant_provision
    from tenants.distribution.models import DueCommission
    from tenants.distribution.settlement import settle_store
    from tenants.ledger.models import Account, Entry, Journal
    from tenants.ledger.selectors import ledger_reconcile
    from tenants.ledger.services import Line, account_for, journal_post

    call_command("migrate_fleet", no_progress=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    schemas = []
    for i in range(1, args.stores + 1):
        slug = f"settle-{i:02d}"
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            with transaction.atomic():
                tenant = tenant_provision(slug=slug, name=slug, template_code="beauty")
        schemas.append(tenant.schema_name)

    per_store = args.commissions // args.stores
    for schema in tqdm(schemas, desc="seeding frozen commissions", unit="store", file=sys.stderr):
        with schema_context(schema), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SEED_SQL, {"rows": per_store, "distributors": args.distributors})

    # The real settlement task, run in each store's schema the way a worker runs it, by ``--workers``
    # workers at once (beat fans out one task per store; a deployment runs several worker processes).
    def settle(schema: str) -> int:
        try:
            with schema_context(schema):
                return settle_store.apply(kwargs={"force": True}, headers={"_schema_name": schema}).get()[
                    "released_count"]
        finally:
            connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        released = sum(pool.map(settle, schemas))
    settle_s = time.perf_counter() - started

    # A second run must find nothing to do and write nothing.
    entries_before = 0
    for schema in schemas:
        with schema_context(schema):
            entries_before += Entry.objects.count()
            settle_store.apply(kwargs={"force": True}, headers={"_schema_name": schema}).get()
    entries_after = sum(_count_entries(schema, Entry, schema_context) for schema in schemas)

    # The naive way, on a sample: one ORM round trip after another per commission.
    sample_schema = schemas[0]
    with schema_context(sample_schema), connection.cursor() as cursor:
        cursor.execute(SEED_SQL, {"rows": args.sample, "distributors": args.distributors})
    with schema_context(sample_schema):
        expense = account_for(kind=Account.Kind.STORE_COMMISSION_EXPENSE)
        now = timezone.now()
        started = time.perf_counter()
        for due in DueCommission.objects.filter(release_at__lte=now).select_related("commission").order_by("pk"):
            commission = due.commission
            with transaction.atomic():
                frozen = account_for(kind=Account.Kind.DISTRIBUTOR_FROZEN, owner_id=commission.distributor_id)
                available = account_for(kind=Account.Kind.DISTRIBUTOR_AVAILABLE, owner_id=commission.distributor_id)
                journal_post(kind=Journal.Kind.RELEASE, idempotency_key=f"release:{commission.pk}",
                             lines=[Line(frozen, -commission.amount_fen), Line(available, commission.amount_fen)])
                commission.status, commission.released_at = "available", now
                commission.save(update_fields=["status", "released_at"])
                due.delete()
        loop_s = time.perf_counter() - started
        del expense

    balanced = all(_reconciled(schema, ledger_reconcile, schema_context) for schema in schemas)
    print(f"settle_workers={args.workers}")
    print(f"settle_rows={released}")
    print(f"settle_seconds={settle_s:.2f}")
    print(f"settle_rows_per_s={released / settle_s:.0f}")
    print(f"orm_loop_rows={args.sample}")
    print(f"orm_loop_rows_per_s={args.sample / loop_s:.0f}")
    print(f"settle_vs_loop={released / settle_s / (args.sample / loop_s):.1f}")
    print(f"rerun_new_entries={entries_after - entries_before}")
    print(f"ledger_balanced={'true' if balanced else 'false'}")
    return 0 if balanced and entries_after == entries_before else 1


def _count_entries(schema, entry_model, schema_context) -> int:
    with schema_context(schema):
        return entry_model.objects.count()


def _reconciled(schema, reconcile, schema_context) -> bool:
    with schema_context(schema):
        return reconcile().ok


if __name__ == "__main__":
    sys.exit(main())
