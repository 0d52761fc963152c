"""Monthly team and target bonuses (both off by default).

Only sales are rewarded, never recruitment: a distributor's *sales* in a month are the amounts paid for the
lines they earned a level-1 commission on, counted when that commission was released (the sale is safe:
received, freeze days over, no open after-sale), net of what refunds clawed back so far. The target bonus
pays a fixed amount to a distributor whose own sales reach the target; the team bonus pays a rate on the
sales of the distributor's team (direct and second-level distributors). Bonuses go straight to the
distributor's available balance through one ledger journal each, keyed by month, so a rerun pays nothing
twice. A refund after the month was paid does not reopen its bonus.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from celery import shared_task
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.money import apply_rate_bp, format_fen
from core.schema import current_schema
from core.tasks import TenantOnlyTask
from tenants.ledger.models import Account, Journal
from tenants.ledger.services import Line, account_for, journal_post

from .models import Bonus, Commission, DistributionSettings, Distributor
from .selectors import distribution_settings_get

TEAM_DEPTH = 2  # the team the distributor centre shows: direct and second level

SALES_SQL = """
SELECT distributor_id,
       sum(CASE WHEN amount_fen = 0 THEN base_fen
                ELSE base_fen * (amount_fen - clawed_back_fen) / amount_fen END)  -- floor: never overpays
  FROM {commission}
 WHERE level = 1 AND status = 'available' AND released_at >= %s AND released_at < %s
 GROUP BY distributor_id
"""


@dataclass(frozen=True)
class BonusLine:
    distributor_id: int
    kind: str
    base_fen: int
    amount_fen: int
    rate_bp: int | None = None
    target_fen: int | None = None


def bonus_explain(bonus: Bonus) -> str:
    """The line a distributor reads, e.g. "2026-10 团队奖励：团队销售额 12345.00 × 1.5% = 185.18"."""
    month = f"{bonus.month:%Y-%m}"
    if bonus.kind == Bonus.Kind.TEAM:
        return (f"{month} 团队奖励：团队销售额 {format_fen(bonus.base_fen)} × {(bonus.rate_bp or 0) / 100:g}% "
                f"= {format_fen(bonus.amount_fen)}")
    return (f"{month} 月度目标奖励：个人销售额 {format_fen(bonus.base_fen)} 达到目标 "
            f"{format_fen(bonus.target_fen or 0)}，奖励 {format_fen(bonus.amount_fen)}")


def month_start(day: date) -> date:
    return day.replace(day=1)


def _bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=tz)
    return start, end


def sales_by_distributor(*, month: date) -> dict[int, int]:
    """Each distributor's own net sales settled in ``month`` (one aggregate query)."""
    with connection.cursor() as cursor:
        cursor.execute(SALES_SQL.format(commission=Commission._meta.db_table), list(_bounds(month)))
        return {distributor_id: int(total) for distributor_id, total in cursor.fetchall() if total}


def bonuses_compute(*, month: date, settings: DistributionSettings) -> list[BonusLine]:
    """What the month's bonuses would be under ``settings`` (nothing is written)."""
    sales = sales_by_distributor(month=month)
    active = set(Distributor.objects.filter(status=Distributor.Status.ACTIVE).values_list("pk", flat=True))
    lines: list[BonusLine] = []
    if settings.monthly_target_bonus_enabled and settings.monthly_target_sales_fen and \
            settings.monthly_target_bonus_fen:
        lines += [BonusLine(distributor_id, Bonus.Kind.TARGET, total, settings.monthly_target_bonus_fen,
                            target_fen=settings.monthly_target_sales_fen)
                  for distributor_id, total in sorted(sales.items())
                  if total >= settings.monthly_target_sales_fen and distributor_id in active]
    if settings.team_bonus_enabled and settings.team_bonus_bp:
        team: dict[int, int] = defaultdict(int)
        uplines = Distributor.objects.filter(pk__in=sales).values_list("pk", "upline_ids")
        for distributor_id, upline in uplines:
            for ancestor in upline[:TEAM_DEPTH]:
                team[ancestor] += sales[distributor_id]
        for ancestor, total in sorted(team.items()):
            amount = apply_rate_bp(total, settings.team_bonus_bp)
            if amount and ancestor in active:
                lines.append(BonusLine(ancestor, Bonus.Kind.TEAM, total, amount, rate_bp=settings.team_bonus_bp))
    return lines


def bonuses_pay(*, month: date) -> dict[str, int]:
    """Pay ``month``'s bonuses: one transaction per bonus (row and journal), skipping those already paid."""
    month = month_start(month)
    paid = paid_fen = 0
    expense = account_for(kind=Account.Kind.STORE_COMMISSION_EXPENSE)
    for line in bonuses_compute(month=month, settings=distribution_settings_get()):
        try:
            with transaction.atomic():
                Bonus.objects.create(distributor_id=line.distributor_id, kind=line.kind, month=month,
                                     base_fen=line.base_fen, rate_bp=line.rate_bp, target_fen=line.target_fen,
                                     amount_fen=line.amount_fen)
                journal_post(kind=Journal.Kind.BONUS, reference=f"{month:%Y-%m}",
                             idempotency_key=f"bonus:{line.kind}:{month:%Y%m}:{line.distributor_id}",
                             memo=str(Bonus.Kind(line.kind).label),
                             lines=[Line(account_for(kind=Account.Kind.DISTRIBUTOR_AVAILABLE,
                                                     owner_id=line.distributor_id), line.amount_fen),
                                    Line(expense, -line.amount_fen)])
        except IntegrityError:
            continue  # paid by an earlier run
        paid += 1
        paid_fen += line.amount_fen
    return {"paid": paid, "paid_fen": paid_fen}


def previous_month(now: datetime) -> date:
    first = timezone.localtime(now).date().replace(day=1)
    return (first.replace(year=first.year - 1, month=12) if first.month == 1
            else first.replace(month=first.month - 1))


@shared_task(base=TenantOnlyTask, name="tenants.distribution.bonuses", acks_late=True)
def pay_monthly_bonuses() -> dict:
    """Fanned out by beat on the 1st of each month: last month's bonuses for this store."""
    month = previous_month(timezone.now())
    return {"schema": current_schema(), "month": f"{month:%Y-%m}", **bonuses_pay(month=month)}
