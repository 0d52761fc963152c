"""Shipping templates edited from the console. Region rules are typed one per line:
``65, 54: 25.00`` (a flat fee there, or the first-weight fee in weight mode) or ``54: 不配送``."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.money import format_fen, parse_yuan
from core.text import ascii_digits

from .models import ShippingTemplate

UNREACHABLE = "不配送"


def region_rules_parse(text: str, *, mode: str) -> list[dict]:
    """The rules typed in the console as stored: longest region prefix wins at checkout."""
    fee_field = "flat_fee_fen" if mode == ShippingTemplate.Mode.FLAT else "first_fee_fen"
    rules = []
    for number, line in enumerate(str(text).splitlines(), start=1):
        if not line.strip():
            continue
        regions_text, sep, fee = line.replace("：", ":").partition(":")
        regions = [r.strip() for r in re.split(r"[,，\s]+", regions_text) if r.strip()]
        if not sep or not regions or any(not ascii_digits(r) or len(r) not in (2, 4, 6) for r in regions):
            message = _("第 %(n)s 行：地区写 2/4/6 位行政区划代码前缀，如“65, 54: 25.00”或“54: 不配送”。") % {
                "n": number}
            raise ValidationFailed(message, fields={"region_rules": [message]})
        if fee.strip() == UNREACHABLE:
            rules.append({"regions": regions, "unreachable": True})
            continue
        try:
            rules.append({"regions": regions, fee_field: parse_yuan(fee)})
        except ValueError:
            message = _("第 %(n)s 行的运费不是有效金额。") % {"n": number}
            raise ValidationFailed(message, fields={"region_rules": [message]}) from None
    return rules


def region_rules_text(template: ShippingTemplate) -> str:
    lines = []
    for rule in template.region_rules:
        fee = UNREACHABLE if rule.get("unreachable") else format_fen(
            rule.get("flat_fee_fen", rule.get("first_fee_fen", 0)))
        lines.append(f"{', '.join(rule['regions'])}: {fee}")
    return "\n".join(lines)


@transaction.atomic
def shipping_template_save(*, template: ShippingTemplate | None, data: dict) -> ShippingTemplate:
    """Create or edit a template from the console form (amounts in yuan). Making it the default takes the
    default away from the previous one, in the same transaction."""
    errors: dict[str, list[str]] = {}
    name = str(data.get("name", "")).strip()
    if not name or len(name) > 40:
        errors["name"] = [_("请填写模板名称（40 字以内）。")]
    mode = data.get("mode")
    if mode not in ShippingTemplate.Mode.values:
        errors["mode"] = [_("请选择计费方式。")]
    values: dict = {}
    for field in ("flat_fee", "first_fee", "extra_fee", "free_over"):
        raw = str(data.get(field, "")).strip()
        if field == "free_over" and raw == "":
            values["free_over_fen"] = None
            continue
        try:
            values[f"{field}_fen"] = parse_yuan(raw or "0")
        except ValueError:
            errors[field] = [_("请填写金额（元）。")]
    for field in ("first_weight_g", "extra_weight_g"):
        raw = str(data.get(field, "")).strip()
        if ascii_digits(raw) and 1 <= int(raw) <= 1_000_000:
            values[field] = int(raw)
        else:
            errors[field] = [_("请填写 1 到 1000000 之间的克数。")]
    if not errors:
        try:
            values["region_rules"] = region_rules_parse(data.get("region_rules", ""), mode=mode)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("请修正标出的字段。"), fields=errors)
    make_default = bool(data.get("is_default")) or not ShippingTemplate.objects.exclude(
        pk=getattr(template, "pk", None)).filter(is_default=True).exists()
    if make_default:
        ShippingTemplate.objects.select_for_update().filter(is_default=True).exclude(
            pk=getattr(template, "pk", None)).update(is_default=False)
    template = template or ShippingTemplate()
    template.name, template.mode, template.is_default = name, mode, make_default or template.is_default
    for field, value in values.items():
        setattr(template, field, value)
    template.save()
    return template
