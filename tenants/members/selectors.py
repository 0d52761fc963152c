"""Reads of the members app."""

from __future__ import annotations

from .models import OfficialAccount


def official_account_login_on() -> bool:
    """Whether shoppers in WeChat's browser can log in with the store's official account."""
    return OfficialAccount.objects.filter(singleton=1).exists()
