"""Template filters of the H5 storefront."""

from __future__ import annotations

import json

from django import template

from core.money import format_fen

register = template.Library()


@register.filter
def yuan(amount_fen: int | None) -> str:
    """Fen as the shopper reads a price: 199.00 (the ¥ is the page's)."""
    return "" if amount_fen is None else format_fen(amount_fen)


@register.filter
def spec_label(spec_values: dict | None) -> str:
    """A SKU's spec values as the shopper reads them: "红 / M"; empty for a product with one SKU."""
    return " / ".join((spec_values or {}).values())


@register.filter
def json_attr(value) -> str:
    """A value as JSON for a data attribute (the template's escaping makes it attribute-safe)."""
    return json.dumps(value, ensure_ascii=False)


@register.filter
def percent(rate_bp: int | None) -> str:
    """Basis points as a rate: 1200 -> "12%", 1250 -> "12.5%"."""
    return "" if rate_bp is None else f"{format_fen(rate_bp).rstrip('0').rstrip('.')}%"


@register.filter
def multiple(rate_bp: int | None) -> str:
    """Basis points as a multiple: 12000 -> "1.2", 15000 -> "1.5", 20000 -> "2"."""
    return "" if rate_bp is None else format_fen(rate_bp // 100).rstrip("0").rstrip(".")
