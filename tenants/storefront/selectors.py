"""Storefront reads: the store's layout, and the home page as shoppers see it (kept in the cache)."""

from __future__ import annotations

from django.core.cache import cache

from core.schema import current_schema

from .models import StorefrontLayout

# A shopper's page reads the layout from the cache; a merchant's change deletes it once committed. A page that
# read the old layout just before that commit may put it back, so it also expires on its own soon.
SHOWN_SECONDS = 300


def storefront_layout_get() -> StorefrontLayout | None:
    return StorefrontLayout.objects.filter(singleton=1).first()


def shown_key() -> str:
    return f"storefront-shown:{current_schema()}"


def storefront_shown() -> dict | None:
    """The home page's layout and colours as shoppers' pages use them: {"layout": ..., "theme": ...}; None for
    a store that has none yet (that is kept too, until its template is applied)."""
    shown = cache.get(shown_key())
    if shown is None:
        layout = storefront_layout_get()
        shown = {"layout": layout.layout, "theme": layout.theme} if layout else {}
        cache.set(shown_key(), shown, timeout=SHOWN_SECONDS)
    return shown or None
