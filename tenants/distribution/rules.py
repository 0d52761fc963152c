"""Commission rule sets: drafts are edited freely, publishing makes one current. Commissions already
computed keep the version they snapshot; only new payments use the published rules."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import IllegalTransition, ValidationFailed
from core.money import BP_DENOMINATOR

from .error_codes import DistributionCode
from .models import MAX_LEVELS, Campaign, Grade, LevelRate, ProductOverride, RuleSet


@transaction.atomic
def rule_set_draft_create(*, based_on: RuleSet | None = None, note: str = "") -> RuleSet:
    """A new draft, copying rates, overrides and campaigns from ``based_on`` (usually the current set)."""
    version = (RuleSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    draft = RuleSet.objects.create(version=version, note=note[:200])
    if based_on is not None:
        LevelRate.objects.bulk_create([LevelRate(rule_set=draft, level=r.level, grade_id=r.grade_id,
                                                 first_order_bp=r.first_order_bp, repeat_order_bp=r.repeat_order_bp)
                                       for r in based_on.level_rates.all()])
        ProductOverride.objects.bulk_create([ProductOverride(
            rule_set=draft, product_id=o.product_id, sku_id=o.sku_id, level=o.level, mode=o.mode, rate_bp=o.rate_bp,
            fixed_fen=o.fixed_fen) for o in based_on.product_overrides.all()])
        Campaign.objects.bulk_create([Campaign(
            rule_set=draft, name=c.name, starts_at=c.starts_at, ends_at=c.ends_at, level=c.level, rate_bp=c.rate_bp,
            product_ids=c.product_ids) for c in based_on.campaigns.all()])
    return draft


def _editable(rule_set: RuleSet) -> None:
    if rule_set.status != RuleSet.Status.DRAFT:
        raise IllegalTransition(_("只能修改草稿规则，请先复制为新草稿。"))


@transaction.atomic
def rule_set_set_level_rate(*, rule_set: RuleSet, level: int, first_order_bp: int, repeat_order_bp: int,
                            grade: Grade | None = None) -> LevelRate:
    _editable(rule_set)
    fields = {}
    if not 1 <= level <= MAX_LEVELS:
        fields["level"] = [_("分销层级只能是 1 到 3 级。")]
    for name, value in (("first_order_bp", first_order_bp), ("repeat_order_bp", repeat_order_bp)):
        if not 0 <= value <= BP_DENOMINATOR:
            fields[name] = [_("比例需在 0% 到 100% 之间。")]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    rate, _created = LevelRate.objects.update_or_create(
        rule_set=rule_set, level=level, grade=grade,
        defaults={"first_order_bp": first_order_bp, "repeat_order_bp": repeat_order_bp})
    return rate


@transaction.atomic
def rule_set_publish(*, rule_set: RuleSet) -> RuleSet:
    """Make a draft the current rules. Refused if some line could pay out more than it was sold for."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    _editable(rule_set)
    worst: dict[int | None, int] = {}
    for rate in rule_set.level_rates.all():
        worst[rate.grade_id] = worst.get(rate.grade_id, 0) + max(rate.first_order_bp, rate.repeat_order_bp)
    if any(total > BP_DENOMINATOR for total in worst.values()):
        raise ValidationFailed(_("各级佣金比例之和不能超过 100%。"), code=DistributionCode.RATES_EXCEED_SALE,
                               fields={"level_rates": [_("各级佣金比例之和不能超过 100%。")]})
    RuleSet.objects.filter(status=RuleSet.Status.PUBLISHED).update(status=RuleSet.Status.ARCHIVED)
    rule_set.status, rule_set.published_at = RuleSet.Status.PUBLISHED, timezone.now()
    rule_set.save(update_fields=["status", "published_at"])
    return rule_set
