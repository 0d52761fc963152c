"""Money helpers. Amounts are integers in minor units (fen); rates are integer basis points."""

from __future__ import annotations

import re
from collections.abc import Sequence

BP_DENOMINATOR = 10_000
_YUAN = re.compile(r"[0-9]{1,9}(\.[0-9]{1,2})?")  # ASCII digits only: \d would take any script's digits


def split_largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` into parts proportional to ``weights`` that sum exactly to ``total``.

    Each part gets the floor of its exact share; the fen left over go one each to the parts with the
    largest remainders (ties to the earlier part), so the split is deterministic and exact.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    if any(weight < 0 for weight in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights)
    if not weights:
        if total:
            raise ValueError("cannot split a non-zero total over no parts")
        return []
    if weight_sum == 0:
        if total:
            raise ValueError("cannot split a non-zero total over zero weights")
        return [0] * len(weights)
    floors = [total * weight // weight_sum for weight in weights]
    remainders = [total * weight % weight_sum for weight in weights]
    leftover = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for index in order[:leftover]:
        floors[index] += 1
    return floors


def apply_rate_bp(amount_fen: int, rate_bp: int) -> int:
    """``amount_fen * rate_bp / 10000`` rounded half up (to the nearest fen; exact halves go up)."""
    if amount_fen < 0 or rate_bp < 0:
        raise ValueError("amount and rate must not be negative")
    return (amount_fen * rate_bp * 2 + BP_DENOMINATOR) // (2 * BP_DENOMINATOR)


def format_fen(amount_fen: int) -> str:
    """199 -> '1.99', -5 -> '-0.05'. For display only; never parse this back."""
    sign = "-" if amount_fen < 0 else ""
    whole, cents = divmod(abs(amount_fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def _hundredths(text: str, strip: str) -> int:
    cleaned = str(text).strip().replace(",", "")
    for char in strip:
        cleaned = cleaned.replace(char, "")
    if not _YUAN.fullmatch(cleaned):
        raise ValueError(f"not a number with at most two decimals: {text!r}")
    whole, _, cents = cleaned.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def parse_yuan(text: str) -> int:
    """'99', '99.9', '1,299.00' -> fen. Refuses negatives, more than two decimals and anything else
    (ValueError), so a typed price is never rounded silently."""
    return _hundredths(text, "¥")


def parse_percent_bp(text: str) -> int:
    """'12', '0.6%', '12.5' (percent, at most two decimals) -> basis points: 1200, 60, 1250."""
    return _hundredths(text, "%")
