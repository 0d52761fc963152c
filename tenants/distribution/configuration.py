"""The merchant's distribution settings, edited from the console: every field checked, all saved or none."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.money import format_fen, parse_percent_bp, parse_yuan
from core.text import ascii_digits
from tenants.catalog.models import Product
from tenants.orders.selectors import order_settings_get

from .models import MAX_LEVELS, DistributionSettings
from .selectors import distribution_settings_get

S = DistributionSettings
MAX_TEAM_BONUS_BP = 2_000  # 20% of team sales
MAX_FEE_BP = 2_000
BOOLEANS = ("enabled", "self_purchase_commission", "first_order_per_device_only", "team_bonus_enabled",
            "monthly_target_bonus_enabled")
# Form field (in yuan) -> model field (in fen).
AMOUNTS = {"recruitment_spend": "recruitment_spend_fen", "withdrawal_min": "withdrawal_min_fen",
           "withdrawal_daily_cap": "withdrawal_daily_cap_fen",
           "withdrawal_auto_approve_below": "withdrawal_auto_approve_below_fen",
           "monthly_target_sales": "monthly_target_sales_fen", "monthly_target_bonus": "monthly_target_bonus_fen"}
# Form field (in percent) -> model field (in basis points), with its ceiling.
RATES = {"withdrawal_fee": ("withdrawal_fee_bp", MAX_FEE_BP), "team_bonus": ("team_bonus_bp", MAX_TEAM_BONUS_BP)}
# Whole numbers: field -> (lowest, highest).
COUNTS = {"levels": (1, MAX_LEVELS), "binding_days": (0, 3650), "freeze_days": (0, 90),
          "fraud_orders_per_device_per_day": (1, 1000)}
CHOICES = {"recruitment": S.Recruitment, "binding_mode": S.BindingMode, "settlement": S.Settlement}


def settings_as_form(settings: DistributionSettings) -> dict:
    """The settings as the console form shows them: yuan and percent with two decimals."""
    form = {name: getattr(settings, name) for name in (*BOOLEANS, *COUNTS, *CHOICES)}
    form.update({name: format_fen(getattr(settings, field)) for name, field in AMOUNTS.items()})
    form.update({name: format_fen(getattr(settings, field)) for name, (field, _top) in RATES.items()})
    form["recruitment_product_id"] = settings.recruitment_product_id or ""
    form["application_fields"] = "\n".join(("*" if f.get("required") else "") + f["label"]
                                           for f in settings.application_fields)
    return form


def _application_fields(text: str) -> list[dict]:
    """One question per line; a leading * makes it required."""
    fields = []
    for raw in str(text).splitlines():
        label = raw.strip().lstrip("*").strip()[:30]
        if label:
            fields.append({"name": label, "label": label, "required": raw.strip().startswith("*")})
    return fields


@transaction.atomic
def distribution_settings_update(*, data: dict) -> DistributionSettings:
    """Apply the console form. New rules apply to what happens next; commissions already earned keep their
    snapshots."""
    settings = DistributionSettings.objects.select_for_update().get(pk=distribution_settings_get().pk)
    errors: dict[str, list[str]] = {}
    values: dict = {name: bool(data.get(name)) for name in BOOLEANS}
    for name, (low, high) in COUNTS.items():
        raw = str(data.get(name, "")).strip()
        if ascii_digits(raw) and low <= int(raw) <= high:
            values[name] = int(raw)
        else:
            errors[name] = [_("请填写 %(low)s 到 %(high)s 之间的整数。") % {"low": low, "high": high}]
    for name, choices in CHOICES.items():
        if data.get(name) in choices.values:
            values[name] = data[name]
        else:
            errors[name] = [_("请选择一项。")]
    for name, field in AMOUNTS.items():
        try:
            values[field] = parse_yuan(data.get(name, ""))
        except ValueError:
            errors[name] = [_("请填写金额（元），最多两位小数。")]
    for name, (field, top) in RATES.items():
        try:
            values[field] = parse_percent_bp(data.get(name, ""))
        except ValueError:
            errors[name] = [_("请填写百分比，最多两位小数。")]
        else:
            if values[field] > top:
                errors[name] = [_("不能超过 %(top)s%%。") % {"top": format_fen(top)}]
    values["application_fields"] = _application_fields(data.get("application_fields", ""))
    product_id = str(data.get("recruitment_product_id", "")).strip()
    values["recruitment_product_id"] = int(product_id) if ascii_digits(product_id) else None
    if values.get("recruitment") == S.Recruitment.PURCHASE_PRODUCT and (
            values["recruitment_product_id"] is None
            or not Product.objects.filter(pk=values["recruitment_product_id"]).exists()):
        errors["recruitment_product_id"] = [_("请选择购买后成为分销员的商品。")]
    if values.get("recruitment") == S.Recruitment.SPEND_THRESHOLD and not values.get("recruitment_spend_fen"):
        errors["recruitment_spend"] = [_("请填写累计消费门槛。")]
    if values["team_bonus_enabled"] and not values.get("team_bonus_bp"):
        errors["team_bonus"] = [_("开启团队奖励需填写奖励比例。")]
    if values["monthly_target_bonus_enabled"] and not (values.get("monthly_target_sales_fen")
                                                      and values.get("monthly_target_bonus_fen")):
        errors["monthly_target_sales"] = [_("开启月度目标奖励需填写目标销售额和奖励金额。")]
    after_sale_days = order_settings_get().after_sale_days
    if values.get("freeze_days", after_sale_days) < after_sale_days:
        errors["freeze_days"] = [_("冻结期（%(freeze)s 天）不能短于售后期（%(window)s 天）：否则佣金可能在售后退款前"
                                   "解冻并被提现。") % {"freeze": values["freeze_days"], "window": after_sale_days}]
    if errors:
        raise ValidationFailed(_("请修正标出的字段。"), fields=errors)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings
