"""Shipping templates: typed input (``ShippingTemplateInput``, amounts in fen) checked and saved. The console
edits region rules one per line, ``65, 54: 25.00`` (a flat fee there, or the first-weight fee in weight mode)
or ``54: 不配送`` (``region_rules_text`` shows them that way)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.money import format_fen
from core.text import ascii_digits

from .models import ShippingTemplate

UNREACHABLE = "不配送"


@dataclass(frozen=True)
class RegionRule:
    """A fee for some regions (prefixes of the 6-digit region code: 2 = province, 4 = city, 6 = district; the
    longest wins at checkout), or no delivery there (``fee_fen`` None)."""

    regions: tuple[str, ...]
    fee_fen: int | None


@dataclass(frozen=True)
class ShippingTemplateInput:
    name: str
    mode: str
    flat_fee_fen: int
    first_weight_g: int
    first_fee_fen: int
    extra_weight_g: int
    extra_fee_fen: int
    free_over_fen: int | None  # goods total from which shipping is free; None: never
    region_rules: tuple[RegionRule, ...]
    is_default: bool


def region_rules_text(template: ShippingTemplate) -> str:
    """The template's region rules one per line, as the console edits them."""
    lines = []
    for rule in template.region_rules:
        fee = UNREACHABLE if rule.get("unreachable") else format_fen(
            rule.get("flat_fee_fen", rule.get("first_fee_fen", 0)))
        lines.append(f"{', '.join(rule['regions'])}: {fee}")
    return "\n".join(lines)


def region_line_error(number: int) -> str:
    return _("第 %(n)s 行：地区写 2/4/6 位行政区划代码前缀，如“65, 54: 25.00”或“54: 不配送”。") % {"n": number}


def _problems(values: ShippingTemplateInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not values.name.strip() or len(values.name.strip()) > 40:
        errors["name"] = [_("请填写模板名称（40 字以内）。")]
    if values.mode not in ShippingTemplate.Mode.values:
        errors["mode"] = [_("请选择计费方式。")]
    for field in ("flat_fee_fen", "first_fee_fen", "extra_fee_fen", "free_over_fen"):
        if (getattr(values, field) or 0) < 0:
            errors[field] = [_("请填写金额（元）。")]
    for field in ("first_weight_g", "extra_weight_g"):
        if not 1 <= getattr(values, field) <= 1_000_000:
            errors[field] = [_("请填写 1 到 1000000 之间的克数。")]
    for number, rule in enumerate(values.region_rules, start=1):
        if not rule.regions or any(not ascii_digits(r) or len(r) not in (2, 4, 6) for r in rule.regions) \
                or (rule.fee_fen is not None and rule.fee_fen < 0):
            errors["region_rules"] = [region_line_error(number)]
            break
    return errors


@transaction.atomic
def shipping_template_save(*, template: ShippingTemplate | None, values: ShippingTemplateInput) -> ShippingTemplate:
    """Create or edit a shipping template (amounts in fen). Making it the default takes the default away from the
    previous one, in the same transaction; the first template is the default whatever is asked."""
    if errors := _problems(values):
        raise ValidationFailed(_("请修正标出的字段。"), fields=errors)
    fee_field = "flat_fee_fen" if values.mode == ShippingTemplate.Mode.FLAT else "first_fee_fen"
    stored_rules = [{"regions": list(rule.regions), "unreachable": True} if rule.fee_fen is None
                    else {"regions": list(rule.regions), fee_field: rule.fee_fen} for rule in values.region_rules]
    others = ShippingTemplate.objects.exclude(pk=template.pk) if template else ShippingTemplate.objects.all()
    make_default = values.is_default or not others.filter(is_default=True).exists()
    if make_default:
        others.select_for_update().filter(is_default=True).update(is_default=False)
    template = template or ShippingTemplate()
    template.name, template.mode = values.name.strip(), values.mode
    template.is_default = make_default or template.is_default
    for field in ("flat_fee_fen", "first_weight_g", "first_fee_fen", "extra_weight_g", "extra_fee_fen",
                  "free_over_fen"):
        setattr(template, field, getattr(values, field))
    template.region_rules = stored_rules
    template.save()
    return template
