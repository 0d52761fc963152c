"""Commission arithmetic, free of the database: given a paid order's lines, the chain of distributors
who earn from it and the rules in force, what does each level earn on each line, and why.

Precedence for a line at a level: SKU override > product override > campaign running at payment time >
the beneficiary's grade rate > the level rate. Level and grade rates have a first-order and a
repeat-order value. Base = what was actually paid for the line (after discounts, without shipping).
Rates are basis points, rounded half up to the fen; fixed amounts are per unit, capped at the base.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from core.money import apply_rate_bp, format_fen

from .models import MAX_LEVELS


@dataclass(frozen=True)
class LineInput:
    line_id: int
    position: int
    product_id: int
    sku_id: int
    quantity: int
    paid_fen: int


@dataclass(frozen=True)
class Beneficiary:
    distributor_id: int
    level: int
    grade_id: int | None


@dataclass(frozen=True)
class Override:
    mode: str  # "rate" | "fixed"
    rate_bp: int = 0
    fixed_fen: int = 0


@dataclass(frozen=True)
class CampaignRate:
    name: str
    level: int
    rate_bp: int
    starts_at: datetime
    ends_at: datetime
    product_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Rules:
    version: int
    # (level, grade_id or None) -> (first_order_bp, repeat_order_bp)
    level_rates: dict[tuple[int, int | None], tuple[int, int]]
    # (product_id, sku_id or None, level) -> Override
    overrides: dict[tuple[int, int | None, int], Override] = field(default_factory=dict)
    campaigns: tuple[CampaignRate, ...] = ()


@dataclass(frozen=True)
class CommissionDraft:
    line_id: int
    position: int
    distributor_id: int
    level: int
    base_fen: int
    quantity: int
    rate_bp: int | None
    fixed_fen: int | None
    amount_fen: int
    rate_source: str
    is_first_order: bool
    rule_version: int


def _rate_for(line: LineInput, who: Beneficiary, rules: Rules, *, first: bool,
              paid_at: datetime) -> tuple[str, int | None, int | None]:
    for key, source in (((line.product_id, line.sku_id, who.level), "sku"),
                        ((line.product_id, None, who.level), "product")):
        override = rules.overrides.get(key)
        if override is not None:
            if override.mode == "fixed":
                return source, None, override.fixed_fen
            return source, override.rate_bp, None
    for campaign in rules.campaigns:
        if (campaign.level == who.level and campaign.starts_at <= paid_at < campaign.ends_at
                and (not campaign.product_ids or line.product_id in campaign.product_ids)):
            return "campaign", campaign.rate_bp, None
    rates = rules.level_rates.get((who.level, who.grade_id)) if who.grade_id is not None else None
    source = "grade"
    if rates is None:
        rates, source = rules.level_rates.get((who.level, None)), "level"
    if rates is None:
        return "none", 0, None
    return source, rates[0] if first else rates[1], None


def compute_commissions(*, lines: Sequence[LineInput], beneficiaries: Sequence[Beneficiary], rules: Rules,
                        is_first_order: bool, paid_at: datetime) -> list[CommissionDraft]:
    """One draft per (line, beneficiary) that earns more than zero. Never past level 3."""
    drafts: list[CommissionDraft] = []
    for who in beneficiaries:
        if not 1 <= who.level <= MAX_LEVELS:
            raise ValueError(f"level {who.level} is outside 1..{MAX_LEVELS}")
    for line in lines:
        for who in beneficiaries:
            source, rate_bp, fixed_per_unit = _rate_for(line, who, rules, first=is_first_order, paid_at=paid_at)
            if fixed_per_unit is not None:
                fixed_total = min(fixed_per_unit * line.quantity, line.paid_fen)
                amount = fixed_total
            else:
                fixed_total = None
                amount = apply_rate_bp(line.paid_fen, rate_bp or 0)
            if amount <= 0:
                continue
            drafts.append(CommissionDraft(
                line_id=line.line_id, position=line.position, distributor_id=who.distributor_id, level=who.level,
                base_fen=line.paid_fen, quantity=line.quantity, rate_bp=rate_bp, fixed_fen=fixed_total,
                amount_fen=amount, rate_source=source, is_first_order=is_first_order, rule_version=rules.version,
            ))
    return drafts


_SOURCE_TEXT = {"level": "", "grade": "等级", "product": "商品专属", "sku": "规格专属", "campaign": "活动"}


def explain(*, order_number: str, position: int, level: int, rate_bp: int | None, fixed_fen: int | None,
            base_fen: int, amount_fen: int, rate_source: str, is_first_order: bool) -> str:
    """The line a distributor reads, e.g. "订单 2026…，第 2 行，一级，首单佣金 12% × 199.00 = 23.88"."""
    level_text = {1: "一级", 2: "二级", 3: "三级"}[level]
    kind = "首单" if is_first_order else "复购"
    prefix = f"订单 {order_number}，第 {position} 行，{level_text}，"
    if fixed_fen is not None:
        return f"{prefix}{_SOURCE_TEXT.get(rate_source, '')}固定佣金 {format_fen(amount_fen)}"
    percent = f"{(rate_bp or 0) / 100:g}%"
    return (f"{prefix}{_SOURCE_TEXT.get(rate_source, '')}{kind}佣金 {percent} × {format_fen(base_fen)}"
            f" = {format_fen(amount_fen)}")


def clawback_target_fen(*, amount_fen: int, line_paid_fen: int, line_refunded_fen: int) -> int:
    """How much of a commission must have been clawed back once ``line_refunded_fen`` of the line's
    ``line_paid_fen`` is refunded: the same share, rounded half up, and exactly everything at a full
    refund. Working from the cumulative refund (not each refund's own share) keeps partial claw-backs
    summing exactly to what was granted."""
    if line_paid_fen <= 0 or line_refunded_fen >= line_paid_fen:
        return amount_fen
    return (amount_fen * line_refunded_fen * 2 + line_paid_fen) // (2 * line_paid_fen)
