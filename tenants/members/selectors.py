"""Reads of the members app."""

from __future__ import annotations

from .models import Favourite, OfficialAccount


def official_account_login_on() -> bool:
    """Whether shoppers in WeChat's browser can log in with the store's official account."""
    return OfficialAccount.objects.filter(singleton=1).exists()


def is_favourite(*, member_id: int, product_id: int) -> bool:
    return Favourite.objects.filter(member_id=member_id, product_id=product_id).exists()
