"""Loyalty benchmark: one store, 100,000 members with 1,000,000 received orders, through the real points task.

    .venv/bin/python bench/loyalty.py [--members 100000] [--orders 1000000] [--sample 2000]

Prints name=value lines: member_levels_rows_per_s (received orders the ``tenants.loyalty.levels`` task
evaluated members' levels on, per second, set-based), points_accrual_rows_per_s (received orders whose points
the set-based accrual of the ``tenants.loyalty.accrue`` task posted, per second), beside orm_loop_rows_per_s (a
naive loop granting each order's points through the ledger service, on a sample, in the same run),
points_rerun_new_entries (a second run writes nothing: 0), points_total (what was posted) and ledger_balanced.
Uses its own database
(distmall_bench_loyalty) and Redis DB 6.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_LOYALTY_DATABASE_URL",
                                            "postgres://postgres@127.0.0.1:5432/distmall_bench_loyalty")
os.environ["REDIS_URL"] = os.environ.get("BENCH_LOYALTY_REDIS_URL", "redis://127.0.0.1:6379/6")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

# Members and their received orders (one line each, 10.00 to 499.99), all on the accrual list.
SEED_SQL = """
TRUNCATE loyalty_pointsdue, loyalty_linepoints, loyalty_memberstanding, loyalty_levelchange, ledger_entry,
         ledger_journal, ledger_account, orders_orderline, orders_order, members_member RESTART IDENTITY CASCADE;
INSERT INTO members_member (openid, session_key, nickname, avatar_url, phone, token_version, is_active, created_at)
SELECT 'bench-' || g, '', '', '', '', 1, true, now() - interval '400 days' FROM generate_series(1, %(members)s) g;
INSERT INTO orders_order (number, member_id, idempotency_key, status, goods_fen, discount_fen, shipping_fen,
    payable_fen, paid_fen, refunded_fen, pricing, address, remark, device_id, transaction_id, created_at,
    pay_deadline_at, paid_at, shipped_at, received_at, cancel_reason)
SELECT 'L' || lpad(g::text, 10, '0'), 1 + (g %% %(members)s), 'bench-' || g, 'received', p, 0, 0, p, p, 0, '{}',
       '{}', '', '', '', t, t, t, t, t + interval '3 days', ''
  FROM (SELECT g, 1000 + (g::bigint * 7919) %% 49000 AS p,
               now() - interval '30 days' + (g %% 2592000) * interval '1 second' AS t
          FROM generate_series(1, %(orders)s) g) s;
INSERT INTO orders_orderline (order_id, position, sku_id, product_id, title, spec_text, image, unit_price_fen,
    quantity, goods_fen, discount_fen, paid_fen, refunded_fen, refunded_quantity, shipped_quantity)
SELECT id, 1, %(sku)s, %(product)s, '商品', '', '', payable_fen, 1, payable_fen, 0, payable_fen, 0, 0, 1
  FROM orders_order;
INSERT INTO loyalty_pointsdue (order_id, member_id) SELECT id, member_id FROM orders_order;
ANALYZE members_member; ANALYZE orders_order; ANALYZE orders_orderline; ANALYZE loyalty_pointsdue;
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000, help="orders for the naive loop")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO / "infra"))
    from wait_for import createdb

    createdb(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    from control_plane.tenancy.models import Tenant
    from control_plane.tenancy.services import tenant_provision
    from tenants.catalog.services import SkuInput, product_create
    from tenants.ledger.models import Entry
    from tenants.ledger.selectors import ledger_reconcile
    from tenants.loyalty.models import PointsDue
    from tenants.loyalty.points import points_grant
    from tenants.loyalty.tasks import accrue, levels
    from tenants.orders.models import Order, OrderLine

    call_command("migrate_fleet", no_progress=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    tenant = Tenant.objects.filter(slug="loyalty-01").first()
    if tenant is None:
        with transaction.atomic():
            tenant = tenant_provision(slug="loyalty-01", name="loyalty-01", template_code="beauty")
    schema = tenant.schema_name

    with schema_context(schema):
        sku = product_create(title="积分商品", publish=True, skus=[SkuInput(price_fen=9900, stock=10)]).skus.get()
        print(f"seeding {args.members} members and {args.orders} received orders…", file=sys.stderr)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SEED_SQL, {"members": args.members, "orders": args.orders, "sku": sku.pk,
                                      "product": sku.product_id})

        started = time.perf_counter()
        evaluated = levels.apply(headers={"_schema_name": schema}).get()
        levels_s = time.perf_counter() - started

        started = time.perf_counter()
        first = accrue.apply(headers={"_schema_name": schema}).get()
        accrual_s = time.perf_counter() - started
        entries_before = Entry.objects.count()
        accrue.apply(headers={"_schema_name": schema}).get()
        rerun_new = Entry.objects.count() - entries_before
        balanced = ledger_reconcile().ok

        # The naive way, on a sample: each order's points granted through the ledger service, one by one.
        sample = list(Order.objects.order_by("pk").values_list("pk", "member_id")[:args.sample])
        PointsDue.objects.bulk_create([PointsDue(order_id=pk, member_id=m) for pk, m in sample], ignore_conflicts=True)
        paid = dict(OrderLine.objects.filter(order_id__in=[pk for pk, _m in sample]).values_list("order_id",
                                                                                              "paid_fen"))
        started = time.perf_counter()
        for pk, member_id in sample:
            with transaction.atomic():
                points_grant(member_id=member_id, points=paid[pk] // 100, key=f"naive:{pk}", memo="naive")
                PointsDue.objects.filter(order_id=pk).delete()
        loop_s = time.perf_counter() - started

    print(f"member_levels_rows={evaluated['orders']}")
    print(f"member_levels_members={evaluated['members']}")
    print(f"member_levels_risen={evaluated['risen']}")
    print(f"member_levels_rows_per_s={evaluated['orders'] / levels_s:.0f}")
    print(f"points_accrual_rows={first['orders']}")
    print(f"points_accrual_seconds={accrual_s:.2f}")
    print(f"points_accrual_rows_per_s={first['orders'] / accrual_s:.0f}")
    print(f"orm_loop_rows={len(sample)}")
    print(f"orm_loop_rows_per_s={len(sample) / loop_s:.0f}")
    print(f"points_total={first['points']}")
    print(f"points_rerun_new_entries={rerun_new}")
    print(f"ledger_balanced={'true' if balanced else 'false'}")
    ok = balanced and rerun_new == 0 and first["orders"] == args.orders == evaluated["orders"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
