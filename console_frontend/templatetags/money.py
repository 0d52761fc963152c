from django import template

from core.money import format_fen

register = template.Library()


@register.filter
def fen(amount_fen: int | None) -> str:
    """199 -> 1.99 (display only)."""
    return format_fen(int(amount_fen or 0))
