"""Storefront reads: the store's layout, and the home page as shoppers see it (kept in the cache)."""

from __future__ import annotations

from django.core.cache import cache

from core.cache import kept_get

from .models import StorefrontLayout

# A shopper's page reads the layout from the cache; a merchant's change deletes it once committed. A page that
# read the old layout just before that commit may put it back, so it also expires on its own soon.
SHOWN_SECONDS = 300
SHOWN_KEY = "storefront-shown"  # the cache's keys carry the store's schema already


def storefront_layout_get() -> StorefrontLayout | None:
    return StorefrontLayout.objects.filter(singleton=1).first()


def storefront_shown() -> dict | None:
    """The home page's layout and colours as shoppers' pages use them: {"layout": ..., "theme": ...}; None for
    a store that has none yet (that is kept too, until its template is applied)."""
    shown = kept_get(SHOWN_KEY)
    if shown is None:
        layout = storefront_layout_get()
        shown = {"layout": layout.layout, "theme": layout.theme} if layout else {}
        cache.set(SHOWN_KEY, shown, timeout=SHOWN_SECONDS)
    return shown or None
