"""Identifiers that are unique, sortable by time and not guessable."""

from __future__ import annotations

import secrets
from datetime import datetime


def sortable_number(now: datetime, *, random_digits: int = 8) -> str:
    """``YYYYMMDDHHMMSS`` + microseconds + random digits, e.g. for order numbers."""
    stamp = now.strftime("%Y%m%d%H%M%S%f")
    tail = "".join(secrets.choice("0123456789") for _ in range(random_digits))
    return f"{stamp}{tail}"
