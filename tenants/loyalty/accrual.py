"""Points earned on received orders, and points expiring, set-based (like the settlement of commissions).

Accrual: one SQL statement per batch takes received orders off the work list (``PointsDue``), writes each line's
points (net paid amount x the store's rate, whole points), posts one journal per member for the batch (keyed by
the member and the batch's first order, so a batch is posted once) and moves the cached balances — all or
nothing. The orders are locked for the batch and an order locked by a refund in progress is skipped (taken next
run), so a refund and the accrual of its order never miss each other: either the accrual sees the refund, or the
refund sees what was earned and takes it back.

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
from tenants.orders.models import Order, OrderLine

from .models import LinePoints, LoyaltySettings, PointsDue

ACCOUNTS_SQL = """
INSERT INTO {account} (kind, owner_id, balance_fen, created_at)
SELECT DISTINCT 'member_points', d.member_id, 0, %(now)s
  FROM {due} d JOIN {order} o ON o.id = d.order_id
 WHERE o.received_at IS NOT NULL
ON CONFLICT DO NOTHING
"""

ACCRUE_SQL = """
WITH due AS (
    SELECT d.order_id, d.member_id
      FROM {due} d JOIN {order} o ON o.id = d.order_id
     WHERE o.received_at IS NOT NULL
     ORDER BY d.order_id
     LIMIT %(batch)s
       FOR UPDATE OF o SKIP LOCKED
), taken AS (
    DELETE FROM {due} d USING due WHERE d.order_id = due.order_id
    RETURNING d.order_id, d.member_id
), lines AS (
    SELECT l.id AS line_id, l.order_id, t.member_id, l.paid_fen - l.refunded_fen AS base,
           (l.paid_fen - l.refunded_fen) * %(rate)s / 100 AS points
      FROM taken t JOIN {line} l ON l.order_id = t.order_id
     WHERE l.paid_fen > l.refunded_fen
), earned AS (
    INSERT INTO {points} AS p (order_line_id, order_id, member_id, spent, spent_fen, spent_returned, earned,
                               earned_base_fen, earned_at, earned_reversed, reverse_written_off)
    SELECT line_id, order_id, member_id, 0, 0, 0, points, base, %(now)s, 0, 0 FROM lines WHERE points > 0
    ON CONFLICT (order_line_id) DO UPDATE
       SET earned = EXCLUDED.earned, earned_base_fen = EXCLUDED.earned_base_fen, earned_at = EXCLUDED.earned_at
     WHERE p.earned_at IS NULL
    RETURNING p.member_id, p.order_id, p.earned
), per_member AS (
    SELECT member_id, sum(earned) AS amount, count(DISTINCT order_id) AS orders, min(order_id) AS first_order,
           nextval(pg_get_serial_sequence('{journal}', 'id')) AS journal_id
      FROM earned GROUP BY member_id
), journals AS (
    INSERT INTO {journal} (id, kind, idempotency_key, reference, memo, created_at)
    SELECT journal_id, 'points_earn', 'points:earn:' || first_order || ':' || member_id, %(reference)s,
           orders || ' orders', %(now)s
      FROM per_member
    RETURNING id
), entries AS (
    INSERT INTO {entry} (journal_id, account_id, amount_fen, created_at)
    SELECT p.journal_id, a.id, p.amount, %(now)s
      FROM per_member p JOIN {account} a ON a.kind = 'member_points' AND a.owner_id = p.member_id
    UNION ALL
    SELECT p.journal_id, %(issued)s, -p.amount, %(now)s FROM per_member p
    RETURNING account_id, amount_fen
), balances AS (
    UPDATE {account} a SET balance_fen = a.balance_fen + d.delta
      FROM (SELECT account_id, sum(amount_fen) AS delta FROM entries GROUP BY account_id) d
     WHERE a.id = d.account_id
    RETURNING a.id
)
SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM taken), (SELECT coalesce(sum(amount), 0) FROM per_member),
       (SELECT count(*) FROM balances)
"""

# Fully refunded before they were received: nothing to earn, off the list.
DROP_SQL = """
DELETE FROM {due} d USING {order} o WHERE o.id = d.order_id AND o.status = 'closed' AND o.received_at IS NULL
"""


def _tables() -> dict[str, str]:
    return {"due": PointsDue._meta.db_table, "order": Order._meta.db_table, "line": OrderLine._meta.db_table,
            "points": LinePoints._meta.db_table, "journal": Journal._meta.db_table, "entry": Entry._meta.db_table,
            "account": Account._meta.db_table}


@dataclass(frozen=True)
class AccrualResult:
    orders: int
    points: int
    batches: int


def points_accrue(*, rules: LoyaltySettings, now: datetime | None = None, batch_size: int = 50_000) -> AccrualResult:
    """Post the points of every received order on the work list, batch by batch (each its own transaction)."""
    now = now or timezone.now()
    tables = _tables()
    issued = account_for(kind=Account.Kind.STORE_POINTS_ISSUED)
    with connection.cursor() as cursor:
        cursor.execute(DROP_SQL.format(**tables))
        cursor.execute(ACCOUNTS_SQL.format(**tables), {"now": now})
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
), balances AS (
    UPDATE {account} a SET balance_fen = a.balance_fen + d.delta
      FROM (SELECT account_id, sum(amount_fen) AS delta FROM entries GROUP BY account_id) d
     WHERE a.id = d.account_id
    RETURNING a.id
)
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
