"""Checkout with promotions vs a plain checkout, over real HTTP, on one gunicorn (the catalog benchmark's set-up).

    .venv/bin/python bench/promo.py [--orders 200] [--rounds 3] [--workers 4] [--threads 8]

Each order is one buyer (their own token and address) buying their own SKU (no contention). The plain orders buy
SKUs no campaign covers; the promotion orders buy SKUs in a running timed discount (8 折) and a full reduction
(满 100 减 10) scoped to them, with a coupon the buyer holds (满 50 减 5, picked as the best at checkout). Plain
and promotion rounds take turns. Prints plain_orders_per_s, promo_orders_per_s, checkout_promo_overhead (plain ÷
promo, target ≤ 1.3), unexpected_responses, and promo_discount_ok (every promotion order took off exactly the
three discounts). Each run opens a store of its own in the checkout benchmark's database
(distmall_bench_checkout); Redis DB 11.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]

from bench.checkout import _free_port, _gunicorn, flash_store, post_each  # noqa: E402

PRICE_FEN = 12_500  # 8 折 -> 100.00, 满 100 减 10 -> 90.00, 满 50 减 5 -> 85.00


def _round(port: int, host: str, orders: list[tuple[str, int, int]], threads: int) -> tuple[list[int], float]:
    return post_each(port, [("/api/v1/orders/", {"Host": host, "Authorization": f"Bearer {token}",
                                                 "Idempotency-Key": f"promo-{uuid.uuid4().hex}"},
                             {"address_id": address_id, "items": [{"sku_id": sku_id, "quantity": 1}]})
                            for token, address_id, sku_id in orders], threads=threads)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200, help="orders per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each kind")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    flash_store()  # the database, migrated
    from django.db import connection, transaction
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from control_plane.tenancy.services import tenant_provision
    from tenants.catalog.services import SkuInput, product_create
    from tenants.marketing.campaigns import (
        DiscountItemInput,
        FullReductionInput,
        TimedDiscountInput,
        full_reduction_create,
        timed_discount_create,
    )
    from tenants.marketing.services import CouponInput, coupon_claim, coupon_create
    from tenants.members.models import Address, Member
    from tenants.members.tokens import member_token_issue
    from tenants.orders.models import Order, ShippingTemplate

    count = args.orders * args.rounds
    tag = uuid.uuid4().hex[:6]
    now = timezone.now()
    with transaction.atomic():  # a store of its own each run (free shipping), far from the plan's product limit
        tenant = tenant_provision(slug=f"promo-{tag}", name="Promo", template_code="beauty")
    host = f"promo-{tag}.localhost"
    with schema_context(tenant.schema_name):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        products = {kind: [product_create(title=f"{kind} {tag} {i}", publish=True,
                                          skus=[SkuInput(price_fen=PRICE_FEN, stock=10)]) for i in range(count)]
                    for kind in ("plain", "promo")}
        promo_ids = [p.pk for p in products["promo"]]
        timed_discount_create(values=TimedDiscountInput(
            name=f"限时八折 {tag}", starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=2),
            items=[DiscountItemInput(product_id=pk, percent_off_bp=2000) for pk in promo_ids]))
        full_reduction_create(values=FullReductionInput(
            name=f"满减 {tag}", starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=2),
            tiers=[{"threshold_fen": 10000, "amount_fen": 1000}], scope="products", scope_ids=promo_ids))
        coupon = coupon_create(values=CouponInput(name=f"满50减5 {tag}", kind="amount_off", amount_fen=500,
                                                  threshold_fen=5000, total_quantity=count, valid_days=1,
                                                  scope="products", scope_ids=promo_ids))
        work: dict[str, list[tuple[str, int, int]]] = {}
        for kind in ("plain", "promo"):
            members = Member.objects.bulk_create([Member(openid=f"promo-{uuid.uuid4().hex}") for _ in range(count)])
            addresses = Address.objects.bulk_create([
                Address(member=m, recipient="买家", phone="13800000000", region_code="310115", province="上海市",
                        city="上海市", district="浦东新区", detail="1 号", is_default=True) for m in members])
            if kind == "promo":
                for member in members:
                    coupon_claim(member=member, coupon_id=coupon.pk)
            work[kind] = [(member_token_issue(member=m), a.pk, p.skus.get().pk)
                          for m, a, p in zip(members, addresses, products[kind], strict=True)]
    connection.close()

    port = _free_port()
    server = _gunicorn(port, args.workers, "config.settings.dev")
    rates: dict[str, list[float]] = {"plain": [], "promo": []}
    unexpected = 0
    try:
        for r in range(args.rounds):
            for kind in ("plain", "promo"):
                batch = work[kind][r * args.orders:(r + 1) * args.orders]
                codes, elapsed = _round(port, host, batch, args.threads)
                unexpected += len([c for c in codes if c != 201])
                rates[kind].append(len(batch) / elapsed)
    finally:
        server.terminate()
        server.wait(timeout=20)
    with schema_context(tenant.schema_name):
        paid = set(Order.objects.filter(lines__product_id__in=promo_ids).values_list("payable_fen", flat=True))
    plain, promo = (sum(rates[k]) / len(rates[k]) for k in ("plain", "promo"))
    print(f"plain_orders_per_s={plain:.1f}")
    print(f"promo_orders_per_s={promo:.1f}")
    print(f"checkout_promo_overhead={plain / promo:.2f}")
    print(f"unexpected_responses={unexpected}")
    print(f"promo_discount_ok={int(paid == {8500})}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
