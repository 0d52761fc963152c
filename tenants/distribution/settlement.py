"""Releasing matured commissions, set-based.

One SQL statement per batch: take the due commissions off the work list (``DueCommission``: release time
come, no open after-sale on the order), mark them available, post one ledger journal per distributor for the
batch (frozen -> available, keyed ``release:<run>:<batch>:<distributor>``, referencing the run) and move the
cached balances — all or nothing. A worker killed mid-run loses at most the batch it was in (rolled back);
the rerun finds exactly what is still on the list, so every commission is settled once. Two runs at once
cannot both take a row off the list: the second one's delete finds it gone and skips it.

What a release costs per commission is one small delete from the list and one heap-only update of the
commission (no index of the commission covers what changes, and its pages keep room for the new version).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from celery import shared_task
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from core.locks import advisory_session_unlock, advisory_try_session_lock
from core.schema import current_schema
from core.tasks import TenantOnlyTask
from tenants.ledger.models import Account, Entry, Journal
from tenants.ledger.sql import BALANCES_CTE
from tenants.orders.models import AfterSale, Order

from .models import Commission, DistributionSettings, DueCommission, SettlementRun
from .selectors import distribution_settings_get

RELEASE_SQL = """
WITH due AS (
    SELECT d.ctid AS row_id
      FROM {due} d
     WHERE d.release_at <= %(now)s
       AND NOT EXISTS (SELECT 1 FROM {after_sale} a
                        WHERE a.order_id = d.order_id AND a.status = ANY(%(open_statuses)s))
     ORDER BY d.release_at, d.commission_id
     LIMIT %(batch)s
), taken AS (
    -- By physical row id: a TID scan of just the picked rows. No row locks beforehand (each would cost a
    -- WAL record): a row a concurrent run deleted first is skipped by this delete, so it is taken once.
    DELETE FROM {due} d WHERE d.ctid = ANY(ARRAY(SELECT row_id FROM due))
    RETURNING d.commission_id
), released AS (
    UPDATE {commission} c SET status = 'available', released_at = %(now)s
     WHERE c.id = ANY(ARRAY(SELECT commission_id FROM taken)) AND c.status = 'frozen'
    RETURNING c.distributor_id, c.amount_fen - c.clawed_back_fen AS amount
), per_distributor AS (
    -- Journal ids are drawn here, so entries need no join back to the journals they belong to (the
    -- planner cannot size these CTEs, and a mis-sized join over thousands of journals goes quadratic).
    SELECT distributor_id, sum(amount) AS amount, count(*) AS commissions,
           nextval(pg_get_serial_sequence('{journal}', 'id')) AS journal_id
      FROM released GROUP BY distributor_id HAVING sum(amount) > 0
), journals AS (
    INSERT INTO {journal} (id, kind, idempotency_key, reference, memo, created_at)
    SELECT p.journal_id, 'release', %(key_prefix)s || p.distributor_id, %(reference)s,
           p.commissions || ' commissions', %(now)s
      FROM per_distributor p
    RETURNING id
), entries AS (
    INSERT INTO {entry} (journal_id, account_id, amount_fen, created_at)
    SELECT p.journal_id, a.id, CASE WHEN a.kind = 'distributor_frozen' THEN -p.amount ELSE p.amount END, %(now)s
      FROM per_distributor p
      JOIN {account} a ON a.owner_id = p.distributor_id
                      AND a.kind IN ('distributor_frozen', 'distributor_available')
    RETURNING account_id, amount_fen
), {balances}
-- Every data-changing step above runs in full whether or not this reads it.
SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM released), (SELECT coalesce(sum(amount), 0) FROM released)
"""


@dataclass(frozen=True)
class SettlementResult:
    released_count: int
    released_fen: int
    batches: int


def _release_sql() -> str:
    return RELEASE_SQL.format(due=DueCommission._meta.db_table, commission=Commission._meta.db_table,
                              after_sale=AfterSale._meta.db_table,
                              journal=Journal._meta.db_table, entry=Entry._meta.db_table,
                              account=Account._meta.db_table,
                              balances=BALANCES_CTE.format(account=Account._meta.db_table))


@dataclass(frozen=True)
class BatchResult:
    due_count: int  # due when the batch looked: fewer than the batch size means nothing more is due
    released_count: int  # of those, released by this batch (a concurrent run may have taken some)
    released_fen: int


def settle_release_batch(*, now: datetime, run_id: int, batch_no: int, batch_size: int = 100_000) -> BatchResult:
    """Release one batch, in its own transaction, and count it on the run in that same transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        # A batch lost to a crash right after its commit is simply settled again by the next run, so the
        # commit need not wait for the disk.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(_release_sql(), {"now": now, "batch": batch_size,
                                        "open_statuses": list(AfterSale.OPEN_STATUSES),
                                        "key_prefix": f"release:{run_id}:{batch_no}:",
                                        "reference": f"settlement:{run_id}"})
        due, released, amount = cursor.fetchone()
        if released:
            SettlementRun.objects.filter(pk=run_id).update(released_count=F("released_count") + released,
                                                            released_fen=F("released_fen") + amount)
    return BatchResult(due_count=due, released_count=released, released_fen=int(amount))


STAMP_SQL = """
UPDATE {due} d SET release_at = o.received_at + make_interval(days => %(freeze_days)s)
  FROM {order} o
 WHERE d.order_id = o.id AND d.release_at IS NULL AND o.received_at IS NOT NULL
"""


def settle_stamp_release_times(*, freeze_days: int) -> int:
    """Commissions of orders received since the last run get their release time: receipt + freeze days."""
    with connection.cursor() as cursor:
        cursor.execute(STAMP_SQL.format(due=DueCommission._meta.db_table, order=Order._meta.db_table),
                       {"freeze_days": freeze_days})
        return cursor.rowcount


def _run_lock(run_id: int) -> str:
    return f"settlement-run:{run_id}"


def settle_runs_abandoned() -> int:
    """Mark runs whose worker is gone as abandoned. A live run holds its session lock for as long as it
    works; a run that is still "running" while its lock is free lost its worker (killed, or the database
    connection dropped). What it released stays released and counted; it ended with its last batch."""
    marked = 0
    for run in SettlementRun.objects.filter(status=SettlementRun.Status.RUNNING).order_by("pk"):
        if not advisory_try_session_lock(_run_lock(run.pk)):
            continue  # still working
        try:
            last = (Journal.objects.filter(reference=f"settlement:{run.pk}").order_by("-pk")
                    .values_list("created_at", flat=True).first())
            marked += SettlementRun.objects.filter(pk=run.pk, status=SettlementRun.Status.RUNNING).update(
                status=SettlementRun.Status.ABANDONED, finished_at=last or run.started_at)
        finally:
            advisory_session_unlock(_run_lock(run.pk))
    return marked


def settle_matured(*, now: datetime, freeze_days: int, batch_size: int = 100_000) -> SettlementResult:
    """Stamp release times, then release everything that is due, batch by batch, recording the run (and
    marking earlier runs that died mid-way as abandoned)."""
    settle_runs_abandoned()
    settle_stamp_release_times(freeze_days=freeze_days)
    with transaction.atomic():  # others see the run only once it holds its lock
        run = SettlementRun.objects.create(started_at=now)
        advisory_try_session_lock(_run_lock(run.pk))  # a new run's lock is always free
    total_count = total_fen = batches = 0
    try:
        while True:
            batch = settle_release_batch(now=now, run_id=run.pk, batch_no=batches + 1, batch_size=batch_size)
            total_count, total_fen = total_count + batch.released_count, total_fen + batch.released_fen
            batches += batch.released_count > 0
            if batch.due_count < batch_size:  # nothing more was due: no need to look again
                break
    except Exception:
        SettlementRun.objects.filter(pk=run.pk).update(status=SettlementRun.Status.FAILED, finished_at=timezone.now())
        raise
    finally:
        advisory_session_unlock(_run_lock(run.pk))
    SettlementRun.objects.filter(pk=run.pk).update(status=SettlementRun.Status.FINISHED, finished_at=timezone.now())
    return SettlementResult(released_count=total_count, released_fen=total_fen, batches=batches)


def settlement_due(*, period: str, now: datetime) -> bool:
    """Daily stores settle every day, weekly ones on Mondays, monthly ones on the 1st (store time)."""
    local = timezone.localtime(now)
    if period == DistributionSettings.Settlement.WEEKLY:
        return local.weekday() == 0
    if period == DistributionSettings.Settlement.MONTHLY:
        return local.day == 1
    return True


@shared_task(base=TenantOnlyTask, name="tenants.distribution.settle", acks_late=True,
             autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def settle_store(force: bool = False) -> dict:
    """One store's settlement run (fanned out by beat, one task per store). Safe to rerun at any point:
    acks_late redelivers it if the worker dies, and each commission is released exactly once."""
    settings = distribution_settings_get()
    now = timezone.now()
    if not force and not settlement_due(period=settings.settlement, now=now):
        return {"schema": current_schema(), "skipped": True}
    result = settle_matured(now=now, freeze_days=settings.freeze_days)
    return {"schema": current_schema(), "released_count": result.released_count,
            "released_fen": result.released_fen, "batches": result.batches}
