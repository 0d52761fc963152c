"""The commission simulator: replay the last N days of real paid orders under a draft rule set and compare
with the rules in force — total cost, cost per distributor and per product — before publishing. It
writes nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from billing.limits import plan_feature_check
from tenants.orders.models import Order

from .calculations import Beneficiary, LineInput, compute_commissions
from .models import Distributor, RuleSet
from .selectors import distribution_settings_get, rule_set_current, rules_for


@dataclass
class Totals:
    total_fen: int = 0
    by_distributor: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    by_product: dict[int, int] = field(default_factory=lambda: defaultdict(int))


@dataclass(frozen=True)
class Simulation:
    days: int
    orders: int
    current: Totals
    draft: Totals

    @property
    def difference_fen(self) -> int:
        return self.draft.total_fen - self.current.total_fen


def simulate(*, draft: RuleSet, days: int, now: datetime) -> Simulation:
    """Orders of the window that were attributed to a distributor, through the same calculator as real
    accrual, with their real attribution (the distributor recorded on the order) and first-order flag."""
    plan_feature_check(feature="simulator")
    settings = distribution_settings_get()
    current_set = rule_set_current()
    rule_sets = [("draft", rules_for(draft))] + ([("current", rules_for(current_set))] if current_set else [])
    orders = list(Order.objects.filter(paid_at__gte=now - timedelta(days=days), paid_at__lte=now,
                                       distributor_id__isnull=False)
                  .exclude(status__in=[Order.Status.CANCELLED]).prefetch_related("lines").order_by("paid_at"))
    starts = Distributor.objects.in_bulk({o.distributor_id for o in orders})
    uplines = Distributor.objects.in_bulk({pk for d in starts.values() for pk in d.upline_ids})
    totals = {"draft": Totals(), "current": Totals()}
    for order in orders:
        is_first = order.member_paid_seq == 1  # as decided when it was paid
        start = starts.get(order.distributor_id)
        if start is None:
            continue
        chain = [start, *(uplines[pk] for pk in start.upline_ids if pk in uplines)][:settings.levels]
        beneficiaries = [Beneficiary(distributor_id=d.pk, level=level, grade_id=d.grade_id)
                         for level, d in enumerate(chain, start=1)]
        lines = [LineInput(line_id=ln.pk, position=ln.position, product_id=ln.product_id, sku_id=ln.sku_id,
                           quantity=ln.quantity, paid_fen=ln.paid_fen - ln.refunded_fen) for ln in order.lines.all()]
        for name, rules in rule_sets:
            for draft_line in compute_commissions(lines=lines, beneficiaries=beneficiaries, rules=rules,
                                                  is_first_order=is_first, paid_at=order.paid_at or now):
                bucket = totals[name]
                bucket.total_fen += draft_line.amount_fen
                bucket.by_distributor[draft_line.distributor_id] += draft_line.amount_fen
                product_id = next(ln.product_id for ln in lines if ln.line_id == draft_line.line_id)
                bucket.by_product[product_id] += draft_line.amount_fen
    return Simulation(days=days, orders=len(orders), current=totals["current"], draft=totals["draft"])
