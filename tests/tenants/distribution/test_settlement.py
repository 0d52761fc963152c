"""Accrual when paid, release after receipt + freeze days, claw-back on refund, all in the ledger."""

from datetime import timedelta

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from tenants.distribution.models import Binding, Commission, DueCommission
from tenants.distribution.services import commission_accrue_for_order, commission_clawback_for_refund
from tenants.distribution.settlement import settle_matured
from tenants.ledger.models import Account, Entry
from tenants.ledger.selectors import ledger_reconcile
from tenants.orders.models import AfterSale, OrderLine
from tests.factories import MemberFactory
from tests.tenants.distribution.builders import make_distributor, make_paid_order, publish_rates

K = Account.Kind


def balance(kind, owner):
    return Entry.objects.filter(account__kind=kind, account__owner_id=owner).aggregate(s=Sum("amount_fen"))["s"] or 0


def bound_buyer(distributor):
    buyer = MemberFactory()
    Binding.objects.create(member=buyer, distributor=distributor, source="link", bound_at=timezone.now())
    return buyer


def matured_order(distributor, line_prices, now, received_days_ago=8):
    """A bound buyer's order, paid 20 days ago and received long enough ago to be settled, its commissions
    accrued."""
    order = make_paid_order(member=bound_buyer(distributor), line_prices=line_prices,
                            paid_at=now - timedelta(days=20), received_at=now - timedelta(days=received_days_ago))
    commission_accrue_for_order(order_id=order.pk)
    return order


def test_paid_order_accrues_frozen_commission_for_two_levels(in_alpha):
    publish_rates()
    top = make_distributor()
    mid = make_distributor(parent=top)
    order = make_paid_order(member=bound_buyer(mid), line_prices=[19900, 5000])
    commissions = commission_accrue_for_order(order_id=order.pk)
    assert sorted((c.level, c.line_position, c.amount_fen) for c in commissions) == [
        (1, 1, 2388), (1, 2, 600), (2, 1, 995), (2, 2, 250)]
    assert balance(K.DISTRIBUTOR_FROZEN, mid.pk) == 2988
    assert balance(K.DISTRIBUTOR_FROZEN, top.pk) == 1245
    again = commission_accrue_for_order(order_id=order.pk)  # a redelivered "paid" event
    assert {c.pk for c in again} == {c.pk for c in commissions}
    assert Commission.objects.count() == 4
    assert ledger_reconcile().ok


def test_unbound_buyers_earn_nobody_anything(in_alpha):
    publish_rates()
    order = make_paid_order(member=MemberFactory(), line_prices=[10000])
    assert commission_accrue_for_order(order_id=order.pk) == []


def test_settlement_releases_only_matured_and_only_once(in_alpha):
    publish_rates()
    d = make_distributor()
    now = timezone.now()
    matured = make_paid_order(member=bound_buyer(d), line_prices=[10000], paid_at=now - timedelta(days=20),
                              received_at=now - timedelta(days=8))
    young = make_paid_order(member=bound_buyer(d), line_prices=[20000], paid_at=now - timedelta(days=5),
                            received_at=now - timedelta(days=2))
    unreceived = make_paid_order(member=bound_buyer(d), line_prices=[30000], paid_at=now - timedelta(days=20))
    for order in (matured, young, unreceived):
        commission_accrue_for_order(order_id=order.pk)
    result = settle_matured(now=now, freeze_days=7)
    assert (result.released_count, result.released_fen) == (1, 1200)
    # The work list keeps what is still frozen: the young order with its release time, the unreceived one
    # with none yet.
    assert sorted((due.order_id, due.release_at) for due in DueCommission.objects.all()) == [
        (young.pk, young.received_at + timedelta(days=7)), (unreceived.pk, None)]
    assert balance(K.DISTRIBUTOR_AVAILABLE, d.pk) == 1200
    assert balance(K.DISTRIBUTOR_FROZEN, d.pk) == 2400 + 3600
    rerun = settle_matured(now=now, freeze_days=7)
    assert rerun.released_count == 0
    assert Entry.objects.filter(journal__kind="release").count() == 2
    assert ledger_reconcile().ok


def test_open_after_sale_holds_the_release(in_alpha):
    publish_rates()
    d = make_distributor()
    now = timezone.now()
    order = matured_order(d, [10000], now, received_days_ago=10)
    AfterSale.objects.create(order=order, number="AS1", kind="refund_only", reason="破损",
                             review_deadline_at=now + timedelta(days=2))
    assert settle_matured(now=now, freeze_days=7).released_count == 0


def test_refund_claws_back_exactly_even_after_release(in_alpha):
    publish_rates()
    d = make_distributor()
    now = timezone.now()
    order = matured_order(d, [19900, 5000], now)
    settle_matured(now=now, freeze_days=7)
    assert balance(K.DISTRIBUTOR_AVAILABLE, d.pk) == 2988
    line = OrderLine.objects.get(order=order, position=1)
    # Refund part of line 1 (9950 of 19900): half of its 2388 comes back.
    OrderLine.objects.filter(pk=line.pk).update(refunded_fen=9950)
    assert commission_clawback_for_refund(order_id=order.pk) == 1194
    assert commission_clawback_for_refund(order_id=order.pk) == 0  # same refund again: nothing more
    OrderLine.objects.filter(pk=line.pk).update(refunded_fen=19900)
    assert commission_clawback_for_refund(order_id=order.pk) == 1194
    assert balance(K.DISTRIBUTOR_AVAILABLE, d.pk) == 600
    # A withdrawal-sized hole: money already released can go negative and carries forward.
    OrderLine.objects.filter(order=order, position=2).update(refunded_fen=5000)
    commission_clawback_for_refund(order_id=order.pk)
    assert balance(K.DISTRIBUTOR_AVAILABLE, d.pk) == 0
    assert ledger_reconcile().ok


def _commission_update_counts():
    """(updates, heap-only updates) of the commission table counted by this connection and not yet flushed to
    the shared statistics. PostgreSQL 15 flushes them only between transactions, at most once a second, so
    they can still hold an earlier test's (rolled-back) updates: compare before and after, never absolutely."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables"
                       " WHERE relid = 'distribution_commission'::regclass")
        return cursor.fetchone()


def test_releasing_rewrites_no_index_of_the_commissions(in_alpha):
    """Every release is a heap-only update: the commission's indexes cover nothing it changes and its
    pages keep room for the new version."""
    publish_rates()
    top = make_distributor()
    now = timezone.now()
    for _ in range(30):
        matured_order(make_distributor(parent=top), [10000, 5000], now)
    updated_before, hot_before = _commission_update_counts()
    assert settle_matured(now=now, freeze_days=7).released_count == 120
    updated_after, hot_after = _commission_update_counts()
    assert (updated_after - updated_before, hot_after - hot_before) == (120, 120)


def test_a_frozen_commission_refunded_in_full_is_reversed_and_never_released(in_alpha):
    publish_rates()
    d = make_distributor()
    now = timezone.now()
    order = matured_order(d, [10000], now)
    assert DueCommission.objects.filter(order_id=order.pk).count() == 1
    OrderLine.objects.filter(order=order).update(refunded_fen=10000)
    assert commission_clawback_for_refund(order_id=order.pk) == 1200
    assert Commission.objects.get(order_id=order.pk).status == Commission.Status.REVERSED
    assert not DueCommission.objects.exists()
    assert settle_matured(now=now, freeze_days=7).released_count == 0
    assert (balance(K.DISTRIBUTOR_FROZEN, d.pk), balance(K.DISTRIBUTOR_AVAILABLE, d.pk)) == (0, 0)
    assert ledger_reconcile().ok
