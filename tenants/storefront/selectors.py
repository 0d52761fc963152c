from __future__ import annotations

from .models import StorefrontLayout


def storefront_layout_get() -> StorefrontLayout | None:
    return StorefrontLayout.objects.filter(singleton=1).first()
