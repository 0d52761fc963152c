"""Four settlement runs of the same store at once, on real threads and commits, in small batches: every
commission released exactly once, one release journal per distributor and batch, the ledger balanced."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connections, transaction
from django.db.models import Sum
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.distribution.models import Commission, DueCommission
from tenants.distribution.settlement import settle_matured
from tenants.ledger.models import Account, Entry, Journal
from tenants.ledger.selectors import ledger_reconcile
from tenants.ledger.services import Line, account_for, journal_post
from tests.conftest import store_for_real
from tests.tenants.distribution.builders import make_distributor

COMMISSIONS, DISTRIBUTORS, RUNS = 1200, 12, 4


@pytest.fixture
def busy_store(django_db_blocker):
    with django_db_blocker.unblock(), store_for_real("settle-race", "Settle race") as tenant:
        with transaction.atomic(), schema_context(tenant.schema_name):
            distributors = [make_distributor() for _ in range(DISTRIBUTORS)]
            due = timezone.now() - timedelta(days=1)
            commissions = Commission.objects.bulk_create([Commission(
                order_id=n, order_number=f"R{n}", order_line_id=n, line_position=1,
                distributor=distributors[n % DISTRIBUTORS], level=1, base_fen=10_000, quantity=1, rate_bp=1000,
                amount_fen=1000 + n % 7, rule_version=1, rate_source="level", is_first_order=True)
                for n in range(COMMISSIONS)])
            DueCommission.objects.bulk_create([DueCommission(commission=c, order_id=c.order_id, release_at=due)
                                               for c in commissions])
            expense = account_for(kind=Account.Kind.STORE_COMMISSION_EXPENSE)
            for d in distributors:
                total = Commission.objects.filter(distributor=d).aggregate(s=Sum("amount_fen"))["s"]
                account_for(kind=Account.Kind.DISTRIBUTOR_AVAILABLE, owner_id=d.pk)
                journal_post(kind=Journal.Kind.ACCRUAL, idempotency_key=f"accrual:{d.pk}", lines=[
                    Line(account_for(kind=Account.Kind.DISTRIBUTOR_FROZEN, owner_id=d.pk), total),
                    Line(expense, -total)])
        yield tenant

def test_concurrent_runs_release_each_commission_once(busy_store):
    now = timezone.now()

    def run(_: int) -> int:
        try:
            with schema_context(busy_store.schema_name):
                return settle_matured(now=now, freeze_days=7, batch_size=100).released_count
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=RUNS) as pool:
        counts = list(pool.map(run, range(RUNS)))
    assert sum(counts) == COMMISSIONS
    with schema_context(busy_store.schema_name):
        assert not Commission.objects.exclude(status="available").exists()
        assert not DueCommission.objects.exists()
        total = Commission.objects.aggregate(s=Sum("amount_fen"))["s"]
        available = Account.objects.filter(kind=Account.Kind.DISTRIBUTOR_AVAILABLE).aggregate(
            s=Sum("balance_fen"))["s"]
        frozen = Account.objects.filter(kind=Account.Kind.DISTRIBUTOR_FROZEN).aggregate(s=Sum("balance_fen"))["s"]
        assert (available, frozen) == (total, 0)
        assert ledger_reconcile().ok


class Killed(BaseException):
    """The worker's process dies: no except clause or clean-up of ours runs."""


def test_a_run_killed_mid_way_is_marked_abandoned_with_what_it_released(busy_store, django_db_blocker):
    from django.db import connection

    from tenants.distribution import settlement
    from tenants.distribution.models import SettlementRun

    real_batch = settlement.settle_release_batch

    def dies_after_three_batches(**kwargs):
        if kwargs["batch_no"] == 4:
            connection.close()  # the database sees the connection drop, as when the process is killed
            raise Killed
        return real_batch(**kwargs)

    def killed_run() -> None:
        try:
            with schema_context(busy_store.schema_name), pytest.raises(Killed):
                settlement.settle_matured(now=timezone.now(), freeze_days=7, batch_size=100)
        finally:
            connections.close_all()

    with mock.patch.object(settlement, "settle_release_batch", dies_after_three_batches), \
            ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(killed_run).result()
    with django_db_blocker.unblock(), schema_context(busy_store.schema_name):
        dead = SettlementRun.objects.get()
        # The truth so far: still "running" (nobody has looked yet), but counting the three batches it committed.
        assert (dead.status, dead.released_count) == ("running", 300)
        assert dead.released_fen == _released_by(dead)
        result = settlement.settle_matured(now=timezone.now(), freeze_days=7, batch_size=100)
        assert result.released_count == COMMISSIONS - 300
        dead.refresh_from_db()
        assert dead.status == "abandoned" and dead.started_at <= dead.finished_at
        assert dead.finished_at == Journal.objects.filter(reference=f"settlement:{dead.pk}").latest("pk").created_at
        finished = SettlementRun.objects.exclude(pk=dead.pk).get()
        assert finished.status == "finished" and finished.finished_at > finished.started_at
        assert (finished.released_count, finished.released_fen) == (COMMISSIONS - 300, _released_by(finished))
        assert ledger_reconcile().ok


def _released_by(run) -> int:
    """What the run's release journals moved into available balances."""
    entries = Entry.objects.filter(journal__reference=f"settlement:{run.pk}", journal__kind=Journal.Kind.RELEASE,
                                   account__kind=Account.Kind.DISTRIBUTOR_AVAILABLE)
    return entries.aggregate(s=Sum("amount_fen"))["s"] or 0
