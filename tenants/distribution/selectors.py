"""Reads of the distribution network and rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from core.cache import kept_get

from .calculations import CampaignRate, Override, Rules
from .models import Application, Binding, Commission, DistributionSettings, Distributor, RuleSet


def distribution_settings_get() -> DistributionSettings:
    settings, _ = DistributionSettings.objects.get_or_create(singleton=1)
    return settings


DISTRIBUTION_ON_KEY = "distribution-on-shown"  # the cache's keys carry the store's schema already
DISTRIBUTION_ON_SECONDS = 300  # a change deletes it once committed; this bounds a page that put the old one back


def distribution_on_shown() -> bool:
    """Whether the store runs distribution, as its product pages ask on every view: kept in the cache until
    the merchant changes the rules (``distribution_settings_update``)."""
    on = kept_get(DISTRIBUTION_ON_KEY)
    if on is None:
        on = distribution_settings_get().enabled
        cache.set(DISTRIBUTION_ON_KEY, on, timeout=DISTRIBUTION_ON_SECONDS)
    return on


def rules_for(rule_set: RuleSet) -> Rules:
    """The rule set as plain data for the calculator (3 queries)."""
    return Rules(
        version=rule_set.version,
        level_rates={(r.level, r.grade_id): (r.first_order_bp, r.repeat_order_bp)
                     for r in rule_set.level_rates.all()},
        overrides={(o.product_id, o.sku_id, o.level): Override(mode=o.mode, rate_bp=o.rate_bp, fixed_fen=o.fixed_fen)
                   for o in rule_set.product_overrides.all()},
        campaigns=tuple(CampaignRate(name=c.name, level=c.level, rate_bp=c.rate_bp, starts_at=c.starts_at,
                                     ends_at=c.ends_at, product_ids=frozenset(c.product_ids))
                        for c in rule_set.campaigns.all()),
    )


def rule_set_current() -> RuleSet | None:
    return RuleSet.objects.filter(status=RuleSet.Status.PUBLISHED).first()


def _bindings_open(now=None):
    """Bindings in force: not replaced, not expired."""
    return Binding.objects.filter(ended_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now or timezone.now()))


def binding_open_for(*, member_id: int, now=None) -> Binding | None:
    """The member's binding if it has not expired."""
    return _bindings_open(now).select_related("distributor").filter(member_id=member_id).first()


def upline_chain(*, start: Distributor, levels: int) -> list[Distributor]:
    """``start`` and its upline, nearest first, at most ``levels`` long — one query, no recursion."""
    ids = [start.pk, *start.upline_ids][:levels]
    found = Distributor.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]


def distributor_balances(*, distributor: Distributor) -> dict[str, int]:
    """Frozen, available and withdrawing, from the ledger accounts' balances (one query)."""
    from tenants.ledger.models import Account

    kinds = {Account.Kind.DISTRIBUTOR_FROZEN: "frozen_fen", Account.Kind.DISTRIBUTOR_AVAILABLE: "available_fen",
             Account.Kind.DISTRIBUTOR_WITHDRAWING: "withdrawing_fen"}
    balances = {name: 0 for name in kinds.values()}
    for kind, balance in Account.objects.filter(owner_id=distributor.pk, kind__in=kinds).values_list("kind",
                                                                                                       "balance_fen"):
        balances[kinds[Account.Kind(kind)]] = balance
    return balances


def earnings_by_day(*, distributor: Distributor, days: int, now=None) -> list[dict]:
    """Commission earned per day (net of claw-backs) for the last ``days`` days, zero days included."""
    from django.db.models import F, Sum
    from django.db.models.functions import TruncDate

    now = timezone.localtime(now or timezone.now())
    start = (now - timedelta(days=days - 1)).date()
    rows = dict(Commission.objects.filter(distributor=distributor, created_at__date__gte=start)
                .annotate(day=TruncDate("created_at")).values("day")
                .annotate(total=Sum(F("amount_fen") - F("clawed_back_fen"))).values_list("day", "total"))
    return [{"date": (start + timedelta(days=i)).isoformat(),
             "amount_fen": int(rows.get(start + timedelta(days=i), 0))} for i in range(days)]


def team_members(*, distributor: Distributor, level: int):
    """Level 1: direct recruits; level 2: theirs. Each with the paid sales attributed to them."""
    from django.db.models import IntegerField, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce

    from tenants.orders.models import Order

    team = Distributor.objects.filter(parent=distributor) if level == 1 else Distributor.objects.filter(
        upline_ids__1=distributor.pk)
    sales = (Order.objects.filter(distributor_id=OuterRef("pk"), status__in=[
        Order.Status.PAID, Order.Status.SHIPPED, Order.Status.RECEIVED, Order.Status.COMPLETED])
        .values("distributor_id").annotate(total=Sum("paid_fen")).values("total"))
    return team.select_related("member", "grade").annotate(
        sales_fen=Coalesce(Subquery(sales, output_field=IntegerField()), 0)).order_by("-created_at")


def distributor_count() -> int:
    return Distributor.objects.count()


def distributor_of(*, member_id: int) -> Distributor | None:
    return Distributor.objects.filter(member_id=member_id).select_related("grade").first()


def application_latest(*, member_id: int) -> Application | None:
    return Application.objects.filter(member_id=member_id).order_by("-created_at", "-id").first()


@dataclass(frozen=True)
class CentreSummary:
    """What the distributor centre's first screen shows, beside the balances."""

    earned_fen: int  # every commission and bonus ever earned, net of claw-backs
    team_direct: int
    team_second: int
    customers: int  # shoppers bound to the distributor now
    first_order_bp: int | None  # the level-1 rates for the distributor's grade under the published rules
    repeat_order_bp: int | None


def distributor_summary(*, distributor: Distributor, now=None) -> CentreSummary:
    from django.db.models import F, Sum

    earned = Commission.objects.filter(distributor=distributor).aggregate(
        total=Sum(F("amount_fen") - F("clawed_back_fen")))["total"] or 0
    earned += distributor.bonuses.aggregate(total=Sum("amount_fen"))["total"] or 0
    rates: tuple[int, int] | None = None
    rule_set = rule_set_current()
    if rule_set is not None:
        found = {r.grade_id: (r.first_order_bp, r.repeat_order_bp) for r in rule_set.level_rates.filter(level=1)}
        rates = found.get(distributor.grade_id) or found.get(None)
    return CentreSummary(
        earned_fen=int(earned), team_direct=Distributor.objects.filter(parent=distributor).count(),
        team_second=Distributor.objects.filter(upline_ids__1=distributor.pk).count(),
        customers=_bindings_open(now).filter(distributor=distributor).count(),
        first_order_bp=rates[0] if rates else None, repeat_order_bp=rates[1] if rates else None)


def customers_bound(*, distributor: Distributor, now=None):
    """The shoppers bound to the distributor now, newest first."""
    return _bindings_open(now).filter(distributor=distributor).select_related("member")
