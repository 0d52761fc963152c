"""The merchant's distribution settings: one typed set of rules (``DistributionRules``, amounts in fen, rates in
basis points), checked as a whole and saved all or nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from core.cache import forget_on_commit
from core.errors import ValidationFailed
from core.money import format_fen
from tenants.catalog.models import Product
from tenants.orders.selectors import order_settings_get

from .models import MAX_LEVELS, DistributionSettings
from .selectors import DISTRIBUTION_ON_KEY, distribution_settings_get

S = DistributionSettings
MAX_TEAM_BONUS_BP = 2_000  # 20% of team sales
MAX_FEE_BP = 2_000
# Whole numbers: field -> (lowest, highest).
COUNTS = {"levels": (1, MAX_LEVELS), "binding_days": (0, 3650), "freeze_days": (0, 90),
          "fraud_orders_per_device_per_day": (1, 1000)}
RATE_CEILINGS = {"withdrawal_fee_bp": MAX_FEE_BP, "team_bonus_bp": MAX_TEAM_BONUS_BP}


@dataclass(frozen=True)
class DistributionRules:
    enabled: bool
    levels: int
    recruitment: str
    recruitment_product_id: int | None
    recruitment_spend_fen: int
    application_fields: tuple[str, ...]  # one question each; a leading * makes it required
    binding_days: int
    binding_mode: str
    freeze_days: int
    self_purchase_commission: bool
    first_order_per_device_only: bool
    settlement: str
    withdrawal_min_fen: int
    withdrawal_fee_bp: int
    withdrawal_daily_cap_fen: int
    withdrawal_auto_approve_below_fen: int
    team_bonus_enabled: bool
    team_bonus_bp: int
    monthly_target_bonus_enabled: bool
    monthly_target_sales_fen: int
    monthly_target_bonus_fen: int
    fraud_orders_per_device_per_day: int

    @classmethod
    def of(cls, settings: DistributionSettings) -> DistributionRules:
        """The rules in force, as a starting point for a change."""
        values = {name: getattr(settings, name) for name in cls.__dataclass_fields__}
        values["application_fields"] = tuple(("*" if f.get("required") else "") + f["label"]
                                             for f in settings.application_fields)
        return cls(**values)


def _application_fields(lines: tuple[str, ...]) -> list[dict]:
    fields = []
    for raw in lines:
        label = raw.strip().lstrip("*").strip()[:30]
        if label:
            fields.append({"name": label, "label": label, "required": raw.strip().startswith("*")})
    return fields


def distribution_rules_problems(rules: DistributionRules) -> dict[str, list[str]]:
    """What is wrong with ``rules``, by field (empty: they can be saved). The update refuses on the same."""
    errors: dict[str, list[str]] = {}
    for name, (low, high) in COUNTS.items():
        if not low <= getattr(rules, name) <= high:
            errors[name] = [_("请填写 %(low)s 到 %(high)s 之间的整数。") % {"low": low, "high": high}]
    for name, choices in (("recruitment", S.Recruitment), ("binding_mode", S.BindingMode),
                          ("settlement", S.Settlement)):
        if getattr(rules, name) not in choices.values:
            errors[name] = [_("请选择一项。")]
    for name, top in RATE_CEILINGS.items():
        if not 0 <= getattr(rules, name) <= top:
            errors[name] = [_("不能超过 %(top)s%%。") % {"top": format_fen(top)}]
    if rules.recruitment == S.Recruitment.PURCHASE_PRODUCT and (
            rules.recruitment_product_id is None
            or not Product.objects.filter(pk=rules.recruitment_product_id).exists()):
        errors["recruitment_product_id"] = [_("请选择购买后成为分销员的商品。")]
    if rules.recruitment == S.Recruitment.SPEND_THRESHOLD and not rules.recruitment_spend_fen:
        errors["recruitment_spend_fen"] = [_("请填写累计消费门槛。")]
    if rules.team_bonus_enabled and not rules.team_bonus_bp:
        errors["team_bonus_bp"] = [_("开启团队奖励需填写奖励比例。")]
    if rules.monthly_target_bonus_enabled and not (rules.monthly_target_sales_fen and rules.monthly_target_bonus_fen):
        errors["monthly_target_sales_fen"] = [_("开启月度目标奖励需填写目标销售额和奖励金额。")]
    after_sale_days = order_settings_get().after_sale_days
    if "freeze_days" not in errors and rules.freeze_days < after_sale_days:
        errors["freeze_days"] = [_("冻结期（%(freeze)s 天）不能短于售后期（%(window)s 天）：否则佣金可能在售后退款前"
                                   "解冻并被提现。") % {"freeze": rules.freeze_days, "window": after_sale_days}]
    return errors


@transaction.atomic
def distribution_settings_update(*, rules: DistributionRules) -> DistributionSettings:
    """Apply new rules, all or none (ValidationFailed names each field that is wrong). They apply to what
    happens next; commissions already earned keep their snapshots."""
    settings = DistributionSettings.objects.select_for_update().get(pk=distribution_settings_get().pk)
    if errors := distribution_rules_problems(rules):
        raise ValidationFailed(_("请修正标出的字段。"), fields=errors)
    values = asdict(rules)
    values["application_fields"] = _application_fields(rules.application_fields)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    forget_on_commit(DISTRIBUTION_ON_KEY)  # shoppers' product pages read it afresh
    return settings
