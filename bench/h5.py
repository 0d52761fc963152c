"""H5 storefront pages against the shop API's product list, over real HTTP on one gunicorn set-up.

    .venv/bin/python bench/h5.py [--stores 10] [--products 300] [--workers 4] [--rounds 4]

Stores made from the beauty template with products (one SKU each). In the same run and taking turns in short
rounds, each request to a random store: the catalog API's product list, the H5 home page (its featured
blocks filled), a category listing and a product page. Prints catalog_rps, h5_home_rps, h5_list_rps,
h5_detail_rps, each page's ratio to catalog_rps, each page's and the catalog's round trips to the database
(statements sent, the connection health check and SET search_path included), h5_db_roundtrips (the most of
the three pages) and h5_page_kb (the largest page with its stylesheet and script, product images excluded).
Shares the checkout benchmark's database.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]

from bench.checkout import PRODUCTS_SQL, _free_port, _gunicorn, _load, catalog_round_trips  # noqa: E402

SKUS_SQL = """
INSERT INTO catalog_sku (product_id, spec_key, spec_values, price_fen, stock, weight_g, barcode, low_stock_threshold,
                         is_active)
SELECT p.id, '', '{}', p.min_price_fen, 100, 0, '', 0, true
  FROM catalog_product p WHERE NOT EXISTS (SELECT 1 FROM catalog_sku s WHERE s.product_id = p.id)
"""


def _stores(count: int, products: int) -> tuple[list[str], int]:
    """The stores' hosts and the id of the first top-level category each has (all alike)."""
    from django.db import connection, transaction
    from django_tenants.utils import schema_context
    from tqdm import tqdm

    from control_plane.storefront_templates.selectors import template_get_active
    from control_plane.tenancy.models import Tenant
    from control_plane.tenancy.services import tenant_provision
    from tenants.storefront.selectors import storefront_layout_get
    from tenants.storefront.services import storefront_apply_template

    hosts, category = [], 0
    for i in tqdm(range(1, count + 1), desc="h5 stores", file=sys.stderr):
        slug = f"h5b-{i:03d}"
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            with transaction.atomic():
                tenant = tenant_provision(slug=slug, name=f"H5 店铺 {i}", template_code="beauty")
        with schema_context(tenant.schema_name):
            if storefront_layout_get() is None:  # sign-up applies it; provisioning alone does not
                storefront_apply_template(template=template_get_active(code="beauty"))
        with schema_context(tenant.schema_name), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM catalog_product")
            if cursor.fetchone()[0] < products:
                cursor.execute(PRODUCTS_SQL, {"count": products})
            # Each step is safe to repeat, so an interrupted set-up is finished by the next run.
            cursor.execute(SKUS_SQL)
            cursor.execute("INSERT INTO catalog_category (name, parent_id, sort_order, icon, is_active) "
                           "SELECT '面部护理', NULL, 1, '', true WHERE NOT EXISTS (SELECT 1 FROM catalog_category)")
            cursor.execute("INSERT INTO catalog_product_categories (product_id, category_id) "
                           "SELECT p.id, c.id FROM catalog_product p, catalog_category c WHERE p.id % 3 = 0 "
                           "ON CONFLICT DO NOTHING")
            cursor.execute("ANALYZE")
            cursor.execute("SELECT min(id) FROM catalog_category")
            category = cursor.fetchone()[0]
        hosts.append(f"{slug}.localhost")
    connection.set_schema_to_public()
    return hosts, category


def _page_kb(port: int, host: str, paths: list[str]) -> float:
    """The largest page with its stylesheet and script (what a phone downloads besides product images)."""
    import re

    import requests

    largest = 0
    for path in paths:
        html = requests.get(f"http://127.0.0.1:{port}{path}", headers={"Host": host}, timeout=30).text
        assets = re.findall(r'(?:href|src)="(/static/h5/[^"]+)"', html)
        size = len(html.encode()) + sum(len(requests.get(f"http://127.0.0.1:{port}{a}", headers={"Host": host},
                                                         timeout=30).content) for a in assets)
        largest = max(largest, size)
    return largest / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stores", type=int, default=10)
    parser.add_argument("--products", type=int, default=300, help="products per store")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()

    sys.path.insert(0, str(REPO / "infra"))
    from wait_for import createdb

    createdb(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate_fleet", no_progress=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    hosts, category = _stores(args.stores, args.products)
    pages = {
        "catalog_rps": lambda rng: "/api/v1/catalog/products/?page_size=20",
        "h5_home_rps": lambda rng: "/",
        "h5_list_rps": lambda rng: f"/products/?category={category}",
        "h5_detail_rps": lambda rng: f"/products/{rng.randint(1, args.products)}/",
    }
    samples = {"h5_home_rps": "/", "h5_list_rps": f"/products/?category={category}", "h5_detail_rps": "/products/1/"}
    roundtrips = {name.removesuffix("_rps"): catalog_round_trips(hosts[0], path) for name, path in samples.items()}
    roundtrips["catalog"] = catalog_round_trips(hosts[0])
    port = _free_port()
    server = _gunicorn(port, args.workers, "config.settings.dev")
    rates: dict[str, list[float]] = {name: [] for name in pages}
    try:
        for path in pages.values():
            _load(port, hosts, seconds=1, threads=8, path=path)  # warm caches and connections
        for _ in range(args.rounds):
            for name, path in pages.items():
                rates[name].append(_load(port, hosts, seconds=3, threads=8, path=path))
        page_kb = _page_kb(port, hosts[0], list(samples.values()))
    finally:
        server.terminate()
        server.wait(timeout=20)
    results = {name: sum(values) / len(values) for name, values in rates.items()}
    for name, value in results.items():
        print(f"{name}={value:.0f}")
    for name in samples:
        print(f"{name.removesuffix('_rps')}_vs_catalog={results[name] / results['catalog_rps']:.2f}")
    for name, count in roundtrips.items():
        print(f"{name}_db_roundtrips={count}")
    print(f"h5_db_roundtrips={max(count for name, count in roundtrips.items() if name != 'catalog')}")
    print(f"h5_page_kb={page_kb:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
