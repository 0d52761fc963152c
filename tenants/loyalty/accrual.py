"""Points earned on received orders, and points expiring, set-based (like the settlement of commissions).

Accrual: one SQL statement per batch takes received orders off the work list (``PointsDue``), writes each line's
points (net paid amount x the store's rate x the member's level multiplier, whole points), posts one journal for the
batch (an entry per member; keyed by the batch's first order, so a batch is posted once) and moves the cached
balances — all or
nothing. A refund and the accrual of its order never miss each other: the refund replaces the order's row on the
list (``points_due_bump``). If the accrual took the row first, the refund waits for it and then takes back what
was earned; if the refund replaced it first, the accrual's delete finds its row gone, skips the order, and a
later run accrues it on the refunded amounts.

Expiry: at the store's cut-off (points earned before it expire), a member's expiring points are what the balance
holds beyond what was credited since the cut-off — the points spent first are the oldest, so this is exact
without lots. The member accounts are locked first, so a concurrent posting is either counted or waits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from tenants.ledger.models import Account, Entry, Journal
from tenants.ledger.services import account_for
from tenants.ledger.sql import BALANCES_CTE
from tenants.orders.models import OrderLine

from .models import LinePoints, LoyaltySettings, MemberLevel, MemberStanding, PointsDue

ACCRUE_SQL = """
WITH due AS (
    SELECT d.ctid AS row_id FROM {due} d ORDER BY d.order_id LIMIT %(batch)s
), taken AS (
    -- By physical row id, like the settlement of commissions: a row a refund replaced meanwhile is skipped.
    DELETE FROM {due} d WHERE d.ctid = ANY(ARRAY(SELECT row_id FROM due))
    RETURNING d.order_id, d.member_id
), lines AS (
    -- The member's level multiplies the store's rate (10000 = 1x); no standing is the first level.
    SELECT l.id AS line_id, l.order_id, t.member_id, l.paid_fen - l.refunded_fen AS base,
           (l.paid_fen - l.refunded_fen) * %(rate)s * coalesce(lv.points_multiplier_bp, 10000) / 1000000 AS points,
           EXISTS (SELECT 1 FROM {points} p WHERE p.order_line_id = l.id) AS spent_on
      FROM taken t JOIN {line} l ON l.order_id = t.order_id
      LEFT JOIN {standing} st ON st.member_id = t.member_id
      LEFT JOIN {level} lv ON lv.rank = coalesce(st.rank, 1)
     WHERE l.paid_fen > l.refunded_fen
), added AS (
    INSERT INTO {points} (order_line_id, order_id, member_id, spent, spent_fen, spent_returned, earned,
                          earned_base_fen, earned_at, earned_reversed, reverse_written_off)
    SELECT line_id, order_id, member_id, 0, 0, 0, points, base, %(now)s, 0, 0 FROM lines
     WHERE points > 0 AND NOT spent_on
    RETURNING member_id, order_id, earned
), updated AS (
    -- Lines that spent points at checkout have their row already.
    UPDATE {points} p SET earned = l.points, earned_base_fen = l.base, earned_at = %(now)s
      FROM lines l
     WHERE p.order_line_id = l.line_id AND l.spent_on AND l.points > 0 AND p.earned_at IS NULL
    RETURNING p.member_id, p.order_id, p.earned
), earned AS (
    SELECT * FROM added UNION ALL SELECT * FROM updated
), per_member AS (
    SELECT member_id, sum(earned) AS amount, count(DISTINCT order_id) AS orders, min(order_id) AS first_order
      FROM earned GROUP BY member_id
), batch AS (
    -- One journal for the batch: an entry per member, and the store's for the whole.
    SELECT nextval(pg_get_serial_sequence('{journal}', 'id')) AS journal_id, min(first_order) AS first_order,
           sum(amount) AS amount
      FROM per_member HAVING count(*) > 0
), journals AS (
    INSERT INTO {journal} (id, kind, idempotency_key, reference, memo, created_at)
    SELECT journal_id, 'points_earn', 'points:earn:' || first_order, %(reference)s, '', %(now)s FROM batch
    RETURNING id
), known AS (
    SELECT p.member_id, a.id AS account_id
      FROM per_member p JOIN {account} a ON a.kind = 'member_points' AND a.owner_id = p.member_id
), opened AS (
    -- A member's first points: the account is opened here, its balance already what it holds.
    INSERT INTO {account} (kind, owner_id, balance_fen, created_at)
    SELECT 'member_points', p.member_id, p.amount, %(now)s
      FROM per_member p WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.member_id = p.member_id)
    ON CONFLICT DO NOTHING
    RETURNING id, owner_id
), accounts AS (
    SELECT member_id, account_id FROM known UNION ALL SELECT owner_id, id FROM opened
), entries AS (
    INSERT INTO {entry} (journal_id, account_id, amount_fen, created_at)
    SELECT b.journal_id, x.account_id, p.amount, %(now)s
      FROM per_member p JOIN accounts x ON x.member_id = p.member_id CROSS JOIN batch b
    UNION ALL
    SELECT journal_id, %(issued)s, -amount, %(now)s FROM batch
    RETURNING account_id, amount_fen
), balances AS (
    UPDATE {account} a SET balance_fen = a.balance_fen + d.delta
      FROM (SELECT account_id, sum(amount_fen) AS delta FROM entries
             WHERE account_id NOT IN (SELECT id FROM opened) GROUP BY account_id) d
     WHERE a.id = d.account_id
    RETURNING a.id
)
SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM taken), (SELECT coalesce(sum(amount), 0) FROM per_member),
       (SELECT count(*) FROM balances)
"""

def points_due_bump(*, order_id: int) -> None:
    """A refund of the order, inside its transaction: its row on the accrual list (if still there) is replaced by
    a new one, so an accrual that read the order before the refund cannot take it (see the module's note)."""
    with connection.cursor() as cursor:
        cursor.execute(f"WITH gone AS (DELETE FROM {PointsDue._meta.db_table} WHERE order_id = %s "  # noqa: S608
                       "RETURNING order_id, member_id) "
                       f"INSERT INTO {PointsDue._meta.db_table} (order_id, member_id) SELECT * FROM gone", [order_id])


def _tables() -> dict[str, str]:
    return {"due": PointsDue._meta.db_table, "line": OrderLine._meta.db_table,
            "points": LinePoints._meta.db_table, "journal": Journal._meta.db_table, "entry": Entry._meta.db_table,
            "account": Account._meta.db_table, "standing": MemberStanding._meta.db_table,
            "level": MemberLevel._meta.db_table,
            "balances": BALANCES_CTE.format(account=Account._meta.db_table)}


@dataclass(frozen=True)
class AccrualResult:
    orders: int
    points: int
    batches: int


def points_accrue(*, rules: LoyaltySettings, now: datetime | None = None, batch_size: int = 500_000) -> AccrualResult:
    """Post the points of every order on the work list (they go on it when received), batch by batch (each its
    own transaction). Large batches: a batch writes one ledger entry per member in it, so the fewer batches a
    member's orders fall into, the less there is to write."""
    now = now or timezone.now()
    tables = _tables()
    issued = account_for(kind=Account.Kind.STORE_POINTS_ISSUED)
    orders = points = batches = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")  # a lost batch is simply taken again
            cursor.execute(ACCRUE_SQL.format(**tables), {"batch": batch_size, "rate": rules.earn_points_per_yuan,
                                                         "now": now, "issued": issued.pk,
                                                         "reference": f"points-accrual:{now:%Y%m%d%H%M}"})
            due, taken, amount, _balances = cursor.fetchone()
        orders, points, batches = orders + taken, points + int(amount), batches + (taken > 0)
        if due < batch_size:
            return AccrualResult(orders=orders, points=points, batches=batches)


EXPIRE_SQL = """
WITH locked AS (
    SELECT a.id, a.owner_id, a.balance_fen FROM {account} a
     WHERE a.kind = 'member_points' AND a.id > %(after)s AND a.balance_fen > 0
     ORDER BY a.id LIMIT %(batch)s
), recent AS (
    SELECT e.account_id, sum(e.amount_fen) AS credited
      FROM {entry} e
     WHERE e.account_id = ANY(ARRAY(SELECT id FROM locked)) AND e.amount_fen > 0 AND e.created_at >= %(cutoff)s
     GROUP BY e.account_id
), expiring AS (
    SELECT l.id AS account_id, l.owner_id AS member_id, l.balance_fen - coalesce(r.credited, 0) AS amount,
           nextval(pg_get_serial_sequence('{journal}', 'id')) AS journal_id
      FROM locked l LEFT JOIN recent r ON r.account_id = l.id
     WHERE l.balance_fen - coalesce(r.credited, 0) > 0
       AND NOT EXISTS (SELECT 1 FROM {journal} j
                        WHERE j.idempotency_key = 'points:expire:' || %(day)s || ':' || l.owner_id)
), journals AS (
    INSERT INTO {journal} (id, kind, idempotency_key, reference, memo, created_at)
    SELECT journal_id, 'points_expire', 'points:expire:' || %(day)s || ':' || member_id, %(reference)s,
           %(memo)s, %(now)s
      FROM expiring
    RETURNING id
), entries AS (
    INSERT INTO {entry} (journal_id, account_id, amount_fen, created_at)
    SELECT journal_id, account_id, -amount, %(now)s FROM expiring
    UNION ALL
    SELECT journal_id, %(expired)s, amount, %(now)s FROM expiring
    RETURNING account_id, amount_fen
), {balances}
SELECT (SELECT count(*) FROM locked), (SELECT max(id) FROM locked), (SELECT count(*) FROM expiring),
       (SELECT coalesce(sum(amount), 0) FROM expiring), (SELECT count(*) FROM balances)
"""


def expiry_cutoff(*, rules: LoyaltySettings, now: datetime) -> date | None:
    """Points credited before this store day have expired (None: the store's points never expire). Points earned
    in a year expire at the end of the next one; rolling points N days after they were earned."""
    today = timezone.localdate(now)
    if rules.expiry == LoyaltySettings.Expiry.END_OF_NEXT_YEAR:
        return date(today.year - 1, 1, 1)
    if rules.expiry == LoyaltySettings.Expiry.ROLLING:
        return today - timedelta(days=rules.expiry_days)
    return None


@dataclass(frozen=True)
class ExpiryResult:
    members: int
    points: int


def points_expire(*, rules: LoyaltySettings, now: datetime | None = None, batch_size: int = 20_000) -> ExpiryResult:
    """Expire what is past the store's cut-off, member accounts in id order, a batch per transaction."""
    now = now or timezone.now()
    cutoff = expiry_cutoff(rules=rules, now=now)
    if cutoff is None:
        return ExpiryResult(members=0, points=0)
    tables = _tables()
    expired = account_for(kind=Account.Kind.STORE_POINTS_EXPIRED)
    start = timezone.make_aware(datetime.combine(cutoff, datetime.min.time()))
    after, members, points = 0, 0, 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            # Lock the batch's accounts first: a posting in flight either committed (and this statement sees
            # it) or waits for this transaction.
            cursor.execute(f"SELECT id FROM {tables['account']} WHERE kind = 'member_points' AND id > %s "  # noqa: S608
                           "AND balance_fen > 0 ORDER BY id LIMIT %s FOR UPDATE", [after, batch_size])
            cursor.execute(EXPIRE_SQL.format(**tables), {
                "after": after, "batch": batch_size, "cutoff": start, "day": cutoff.isoformat(), "now": now,
                "expired": expired.pk, "reference": f"points-expiry:{cutoff.isoformat()}",
                "memo": f"before {cutoff.isoformat()}"})
            looked, last_id, count, amount, _balances = cursor.fetchone()
        members, points = members + count, points + int(amount)
        if looked < batch_size or last_id is None:
            return ExpiryResult(members=members, points=points)
        after = last_id
