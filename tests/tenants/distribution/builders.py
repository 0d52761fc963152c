"""Builders for distribution tests: a small network and paid orders made directly with the ORM."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from tenants.distribution.models import Distributor, LevelRate, RuleSet
from tenants.orders.models import Order, OrderLine
from tests.factories import MemberFactory, SkuFactory


def make_distributor(*, parent: Distributor | None = None, code: str | None = None) -> Distributor:
    member = MemberFactory()
    upline = [parent.pk, *parent.upline_ids][:2] if parent else []
    return Distributor.objects.create(member=member, code=code or f"D{member.pk:07d}", parent=parent,
                                      upline_ids=upline)


def publish_rates(*, version: int = 1, rates: dict[int, tuple[int, int]] | None = None) -> RuleSet:
    rule_set = RuleSet.objects.create(version=version, status=RuleSet.Status.PUBLISHED, published_at=timezone.now())
    for level, (first, repeat) in (rates or {1: (1200, 1000), 2: (500, 300)}).items():
        LevelRate.objects.create(rule_set=rule_set, level=level, first_order_bp=first, repeat_order_bp=repeat)
    return rule_set


def make_paid_order(*, member, line_prices: list[int], paid_at: datetime | None = None,
                    received_at: datetime | None = None, number: str | None = None) -> Order:
    paid_at = paid_at or timezone.now()
    total = sum(line_prices)
    seq = Order.objects.filter(member=member, member_paid_seq__isnull=False).count() + 1
    order = Order.objects.create(
        number=number or f"T{paid_at:%Y%m%d%H%M%S%f}{member.pk}", member=member,
        idempotency_key=f"k{paid_at.timestamp()}",
        status=Order.Status.RECEIVED if received_at else Order.Status.PAID, goods_fen=total, payable_fen=total,
        paid_fen=total, address={"detail": "x", "region_code": "310115"},
        pay_deadline_at=paid_at + timedelta(minutes=30), paid_at=paid_at, received_at=received_at,
        member_paid_seq=seq,
    )
    for position, price in enumerate(line_prices, start=1):
        sku = SkuFactory(price_fen=price)
        OrderLine.objects.create(order=order, position=position, sku=sku, product_id=sku.product_id, title="t",
                                 unit_price_fen=price, quantity=1, goods_fen=price, paid_fen=price)
    return order
