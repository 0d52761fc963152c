"""Flash-sale benchmark: many buyers at once, over real HTTP (gunicorn), for one SKU with 50 units.

    .venv/bin/python bench/checkout.py [--buyers 200 1000] [--units 50] [--workers 4]

Prints name=value lines per round: flash_buyers, flash_orders, oversold, stock_left, checkout_orders_per_s,
checkout_requests_per_s. Uses its own database (distmall_bench_checkout) and Redis DB 11.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    "DJANGO_DEBUG": "false",
    "DATABASE_URL": os.environ.get("BENCH_CHECKOUT_DATABASE_URL",
                                   "postgres://postgres@127.0.0.1:5432/distmall_bench_checkout"),
    "REDIS_URL": os.environ.get("BENCH_CHECKOUT_REDIS_URL", "redis://127.0.0.1:6379/11"),
    "LOG_LEVEL": "ERROR",
    "API_RATE_ANON": "1000000/min", "API_RATE_MEMBER": "1000000/min", "API_RATE_LOGIN": "1000000/min",
}
os.environ.update(ENV)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flash_round(port: int, sku_id: int, address_ids: list[int], tokens: list[str]) -> list[int]:
    """Every buyer posts one order for one unit; the first 200 threads start together at a barrier."""
    threads = min(len(tokens), 200)
    gate = threading.Barrier(threads)
    local = threading.local()

    def buy(i: int) -> int:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        if i < threads:
            gate.wait()
        return session.post(
            f"http://127.0.0.1:{port}/api/v1/orders/", timeout=60,
            json={"address_id": address_ids[i], "items": [{"sku_id": sku_id, "quantity": 1}]},
            headers={"Host": "flash.localhost", "Authorization": f"Bearer {tokens[i]}",
                     "Idempotency-Key": f"flash-{sku_id}-{i:06d}"}).status_code

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(buy, range(len(tokens))))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--buyers", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO / "infra"))
    from wait_for import createdb

    createdb(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django_tenants.utils import schema_context

    from control_plane.tenancy.models import Tenant
    from control_plane.tenancy.services import tenant_provision
    from tenants.catalog.services import product_create
    from tenants.members.models import Address, Member
    from tenants.members.tokens import member_token_issue
    from tenants.orders.models import Order, ShippingTemplate

    call_command("migrate_fleet", no_progress=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    tenant = Tenant.objects.filter(slug="flash").first()
    if tenant is None:
        with transaction.atomic():
            tenant = tenant_provision(slug="flash", name="Flash", template_code="beauty")
        with schema_context(tenant.schema_name):
            ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)

    port = _free_port()
    server = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--threads", "8", "--log-level", "warning"],
        cwd=REPO, env={**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'platform'}"},
        stderr=subprocess.DEVNULL,  # 950 "409 Conflict" log lines per round say nothing new
    )
    try:
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", headers={"Host": "localhost"}, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        for buyers in args.buyers:
            with schema_context(tenant.schema_name):
                sku = product_create(title=f"秒杀 {uuid.uuid4().hex[:6]}", publish=True,
                                     skus=[{"spec_values": {}, "price_fen": 990, "stock": args.units}]).skus.get()
                members = Member.objects.bulk_create([Member(openid=f"flash-{uuid.uuid4().hex}")
                                                      for _ in range(buyers)])
                addresses = Address.objects.bulk_create([
                    Address(member=m, recipient="抢购者", phone="13800000000", region_code="310115", province="上海市",
                            city="上海市", district="浦东新区", detail="1 号", is_default=True) for m in members])
                tokens = [member_token_issue(member=m) for m in members]
            started = time.perf_counter()
            codes = _flash_round(port, sku.pk, [a.pk for a in addresses], tokens)
            elapsed = time.perf_counter() - started
            with schema_context(tenant.schema_name):
                sku.refresh_from_db()
                ordered = Order.objects.filter(lines__sku=sku).count()
            unexpected = [c for c in codes if c not in (201, 409)]
            print(f"flash_buyers={buyers}")
            print(f"flash_orders={ordered}")
            print(f"oversold={max(0, ordered - args.units)}")
            print(f"stock_left={sku.stock}")
            print(f"refused_sold_out={codes.count(409)}")
            print(f"unexpected_responses={len(unexpected)}")
            print(f"checkout_orders_per_s={ordered / elapsed:.1f}")
            print(f"checkout_requests_per_s={buyers / elapsed:.1f}")
    finally:
        server.terminate()
        server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
