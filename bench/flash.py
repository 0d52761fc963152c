"""Flash sale through its gate, over real HTTP, against the catalog on the same gunicorn in the same run.

    .venv/bin/python bench/flash.py [--buyers 1000 5000] [--units 50] [--workers 4] [--threads 8]

One gunicorn (the catalog benchmark's set-up: ``--workers`` sync workers) serves both. Per round: a flash sale of
one SKU with ``--units`` units; every buyer (each with their own token and address) posts one flash order, through
``--threads`` keep-alive client threads, the way the catalog load is driven. Catalog rounds (the product list of
the same store, 1,000 products) run before, between and after the flash rounds. Prints per round flash_buyers,
flash_orders, oversold, refused_sold_out, unexpected_responses, flash_requests_per_s, and catalog_rps (the mean of
the catalog rounds) and flash_vs_catalog (the slowest flash round over catalog_rps). Uses the checkout benchmark's
database (distmall_bench_checkout) and Redis DB 11.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]

from bench.checkout import PRODUCTS_SQL, _free_port, _gunicorn, _load, flash_store, post_each  # noqa: E402


def _flash_round(port: int, item_id: int, buyers: list[tuple[str, int]], threads: int) -> tuple[list[int], float]:
    """Each buyer posts once."""
    return post_each(port, [(f"/api/v1/flash-sales/items/{item_id}/orders/",
                             {"Host": "flash.localhost", "Authorization": f"Bearer {token}",
                              "Idempotency-Key": f"flash-{item_id}-{i:06d}"}, {"address_id": address_id})
                            for i, (token, address_id) in enumerate(buyers)], threads=threads)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--buyers", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="client threads (as the catalog load)")
    parser.add_argument("--catalog-seconds", type=float, default=4)
    args = parser.parse_args()

    tenant = flash_store()
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from tenants.catalog.services import SkuInput, product_create
    from tenants.marketing.campaigns import FlashItemInput, FlashSaleInput, flash_sale_create
    from tenants.marketing.models import FlashSaleItem
    from tenants.members.models import Address, Member
    from tenants.members.tokens import member_token_issue
    from tenants.orders.models import Order

    with schema_context(tenant.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_product")
        if cursor.fetchone()[0] < 1000:
            cursor.execute(PRODUCTS_SQL, {"count": 1000})
            cursor.execute("ANALYZE catalog_product")
    rounds = []
    with schema_context(tenant.schema_name):
        for buyers in args.buyers:
            sku = product_create(title=f"秒杀 {uuid.uuid4().hex[:6]}", publish=True,
                                 skus=[SkuInput(price_fen=19900, stock=args.units * 2)]).skus.get()
            now = timezone.now()
            sale = flash_sale_create(values=FlashSaleInput(
                name="整点秒杀", starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=2),
                items=[FlashItemInput(sku_id=sku.pk, price_fen=9900, quota=args.units)]))
            members = Member.objects.bulk_create([Member(openid=f"flash-{uuid.uuid4().hex}") for _ in range(buyers)])
            addresses = Address.objects.bulk_create([
                Address(member=m, recipient="抢购者", phone="13800000000", region_code="310115", province="上海市",
                        city="上海市", district="浦东新区", detail="1 号", is_default=True) for m in members])
            rounds.append((sale.items.get().pk, sku.pk,
                           [(member_token_issue(member=m), a.pk) for m, a in zip(members, addresses, strict=True)]))
    connection.close()

    port = _free_port()
    server = _gunicorn(port, args.workers, "config.settings.dev")
    catalog: list[float] = []
    flash_rates: list[float] = []
    hosts = ["flash.localhost"]
    try:
        _load(port, hosts, seconds=2, threads=args.threads)  # warm caches and connections
        catalog.append(_load(port, hosts, seconds=args.catalog_seconds, threads=args.threads))
        for item_id, sku_id, buyers in rounds:
            codes, elapsed = _flash_round(port, item_id, buyers, args.threads)
            catalog.append(_load(port, hosts, seconds=args.catalog_seconds, threads=args.threads))
            with schema_context(tenant.schema_name):
                ordered = Order.objects.filter(lines__sku_id=sku_id).count()
                sold = FlashSaleItem.objects.get(pk=item_id).sold_count
            flash_rates.append(len(buyers) / elapsed)
            print(f"flash_buyers={len(buyers)}")
            print(f"flash_orders={ordered}")
            print(f"flash_sold_count={sold}")
            print(f"oversold={max(0, ordered - args.units)}")
            print(f"refused_sold_out={codes.count(409)}")
            print(f"unexpected_responses={len([c for c in codes if c not in (201, 409)])}")
            print(f"flash_requests_per_s={len(buyers) / elapsed:.0f}")
    finally:
        server.terminate()
        server.wait(timeout=20)
    catalog_rps = sum(catalog) / len(catalog)
    print(f"catalog_rps={catalog_rps:.0f}")
    print(f"flash_vs_catalog={min(flash_rates) / catalog_rps:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
