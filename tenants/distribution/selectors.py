"""Reads of the distribution network and rules."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from .calculations import CampaignRate, Override, Rules
from .models import Binding, DistributionSettings, Distributor, RuleSet


def distribution_settings_get() -> DistributionSettings:
    settings, _ = DistributionSettings.objects.get_or_create(singleton=1)
    return settings


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


def binding_open_for(*, member_id: int, now=None) -> Binding | None:
    """The member's binding if it has not expired."""
    now = now or timezone.now()
    return (Binding.objects.select_related("distributor")
            .filter(member_id=member_id, ended_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)).first())


def upline_chain(*, start: Distributor, levels: int) -> list[Distributor]:
    """``start`` and its upline, nearest first, at most ``levels`` long — one query, no recursion."""
    ids = [start.pk, *start.upline_ids][:levels]
    found = Distributor.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]
