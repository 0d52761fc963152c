"""Checkout and catalog benchmarks over real HTTP (gunicorn).

    .venv/bin/python bench/checkout.py [--buyers 200 1000] [--units 50] [--workers 4] [--stores 100]

Flash sale: many buyers at once for one SKU with 50 units; per round prints flash_buyers, flash_orders,
oversold, stock_left, checkout_orders_per_s, checkout_requests_per_s.
Catalog: the product list endpoint (20 items, a random store among 100 with 1,000 products each) in six
4-second rounds taking turns with a bare Django view (no middleware, no DRF, django-tenants' stock
backend) running the same query on the same gunicorn set-up; prints catalog_rps, baseline_rps,
catalog_vs_baseline and catalog_db_roundtrips (statements the driver sends for one request, the
connection health check and SET search_path included). Uses its own database (distmall_bench_checkout) and Redis DB 11.
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


PRODUCTS_SQL = """
INSERT INTO catalog_product (title, subtitle, description, specs, status, published_at, min_price_fen, cover_image,
                             sales_count, search_tokens, rating_count, rating_total, created_at, updated_at)
SELECT '商品 ' || g, '副标题', '', '[]', 'on_sale', now() - g * interval '1 second', 100 + g, '', g %% 50, '{}',
       0, 0, now(), now()
  FROM generate_series(1, %(count)s) g
"""


def _gunicorn(port: int, workers: int, settings_module: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=REPO, env={**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
                       "DJANGO_SETTINGS_MODULE": settings_module},
        stderr=subprocess.DEVNULL,
    )
    _wait_until_up(port)
    return process


def _wait_until_up(port: int) -> None:
    """Until the server answers its health check. The first request imports the whole app: a slow answer
    counts as "not yet", not as a failure."""
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", headers={"Host": "localhost"}, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)


def _load(port: int, hosts: list[str], *, seconds: float, threads: int,
          path=lambda rng: "/api/v1/catalog/products/?page_size=20") -> float:
    """Requests per second for ``path(rng)`` (by default the product list), each request to a random store,
    keep-alive per thread."""
    import http.client
    import random

    deadline = time.perf_counter() + seconds
    counts = [0] * threads

    def run(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        rng = random.Random(i)
        while time.perf_counter() < deadline:
            conn.request("GET", path(rng), headers={"Host": rng.choice(hosts)})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                counts[i] += 1

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - started)


def post_each(port: int, requests_: list[tuple[str, dict, dict]], *, threads: int) -> tuple[list[int], float]:
    """POST every (path, headers, JSON body) once, ``threads`` keep-alive client threads taking them from one
    queue (the way the catalog load is driven). Returns the statuses in order and the seconds it took."""
    import http.client
    import json
    import queue

    todo: queue.Queue = queue.Queue()
    for i, request in enumerate(requests_):
        todo.put((i, request))
    codes = [0] * len(requests_)

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            try:
                i, (path, headers, body) = todo.get_nowait()
            except queue.Empty:
                return
            conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json", **headers})
            response = conn.getresponse()
            response.read()
            codes[i] = response.status

    workers = [threading.Thread(target=run) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return codes, time.perf_counter() - started


def catalog_round_trips(host: str, path: str = "/api/v1/catalog/products/") -> int:
    """Driver-level executes for one request of ``path`` (the product list) in this process (warm host cache),
    as a server makes it: the test client skips the start-of-request connection check, so it is armed here the way the
    ``request_started`` signal arms it (the health check's SELECT 1 then counts too)."""
    import psycopg2.extensions
    from django.db import connection
    from django.test import Client

    executed: list[str] = []

    class Counting(psycopg2.extensions.cursor):
        def execute(self, sql, params=None):
            executed.append(sql)
            return super().execute(sql, params)

    client = Client(HTTP_HOST=host)
    # A fresh connection, so it cannot reach CONN_MAX_AGE (and be replaced, uncounted) mid-count.
    connection.close()
    client.get(path)
    connection.set_schema_to_public()
    connection.ensure_connection()
    raw = connection.connection
    # Counting goes under the backend's own cursor class, so a SET sent with a query counts once.
    counting = type("Counting", (raw.cursor_factory, Counting), {})
    previous, raw.cursor_factory = raw.cursor_factory, counting
    try:
        connection.close_if_unusable_or_obsolete()
        client.get(path)
    finally:
        raw.cursor_factory = previous
    if connection.connection is not raw:
        raise RuntimeError("the connection was replaced during the counted request; its statements went uncounted")
    return len(executed)


def catalog_benchmark(*, stores: int, products: int, workers: int, rounds: int = 6,
                      round_seconds: float = 4) -> None:
    from django.db import connection, transaction
    from django_tenants.utils import schema_context
    from tqdm import tqdm

    from control_plane.tenancy.models import Tenant
    from control_plane.tenancy.services import tenant_provision

    hosts = []
    for i in tqdm(range(1, stores + 1), desc="catalog stores", file=sys.stderr):
        slug = f"cat-{i:03d}"
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            with transaction.atomic():
                tenant = tenant_provision(slug=slug, name=slug, template_code="beauty")
        with schema_context(tenant.schema_name), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM catalog_product")
            if cursor.fetchone()[0] < products:
                cursor.execute(PRODUCTS_SQL, {"count": products})
                cursor.execute("ANALYZE catalog_product")
        hosts.append(f"{slug}.localhost")
    connection.set_schema_to_public()
    roundtrips = catalog_round_trips(hosts[0])
    # Both servers run side by side (one loaded at a time) and take turns in short rounds, so a slow
    # stretch of a shared machine weighs on both alike rather than on whichever ran then.
    ports = {"catalog_rps": _free_port(), "baseline_rps": _free_port()}
    servers = [_gunicorn(ports["catalog_rps"], workers, "config.settings.dev"),
               _gunicorn(ports["baseline_rps"], workers, "bench.settings_baseline")]
    rates: dict[str, list[float]] = {name: [] for name in ports}
    try:
        for port in ports.values():
            _load(port, hosts, seconds=2, threads=8)  # warm caches and connections
        for _ in range(rounds):
            for name, port in ports.items():
                rates[name].append(_load(port, hosts, seconds=round_seconds, threads=8))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
    results = {name: sum(values) / len(values) for name, values in rates.items()}
    print(f"catalog_stores={stores}")
    print(f"catalog_products_per_store={products}")
    print(f"catalog_rps={results['catalog_rps']:.0f}")
    print(f"baseline_rps={results['baseline_rps']:.0f}")
    print(f"catalog_vs_baseline={results['catalog_rps'] / results['baseline_rps']:.2f}")
    print(f"catalog_db_roundtrips={roundtrips}")


def flash_store():
    """The benchmarks' database, migrated, and its "flash" store (free shipping), made the first time."""
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
    from tenants.orders.models import ShippingTemplate

    call_command("migrate_fleet", no_progress=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    tenant = Tenant.objects.filter(slug="flash").first()
    if tenant is None:
        with transaction.atomic():
            tenant = tenant_provision(slug="flash", name="Flash", template_code="beauty")
        with schema_context(tenant.schema_name):
            ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
    return tenant


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--buyers", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--stores", type=int, default=100, help="stores for the catalog benchmark")
    parser.add_argument("--products", type=int, default=1000, help="products per store")
    args = parser.parse_args()

    tenant = flash_store()
    from django_tenants.utils import schema_context

    from tenants.catalog.services import SkuInput, product_create
    from tenants.members.models import Address, Member
    from tenants.members.tokens import member_token_issue
    from tenants.orders.models import Order

    port = _free_port()
    server = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--threads", "8", "--log-level", "warning"],
        cwd=REPO, env={**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'platform'}"},
        stderr=subprocess.DEVNULL,  # 950 "409 Conflict" log lines per round say nothing new
    )
    try:
        _wait_until_up(port)
        for buyers in args.buyers:
            with schema_context(tenant.schema_name):
                sku = product_create(title=f"秒杀 {uuid.uuid4().hex[:6]}", publish=True,
                                     skus=[SkuInput(price_fen=990, stock=args.units)]).skus.get()
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
    catalog_benchmark(stores=args.stores, products=args.products, workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
