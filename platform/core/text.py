"""Checks on text people type that Python's own str methods get wrong for our purposes."""

from __future__ import annotations


def ascii_digits(text: str) -> bool:
    """Only 0-9, at least one. ``str.isdigit`` also takes "²" (which int() refuses) and other scripts' digits
    ("١٢", which are no phone number or region code)."""
    return text.isascii() and text.isdigit()


def id_or_none(text: str | None) -> int | None:
    """A database id typed into a URL or form: a whole number that fits a bigint, or None."""
    text = (text or "").strip()
    return int(text) if ascii_digits(text) and len(text) <= 18 else None
