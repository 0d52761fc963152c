"""The ledger refuses to be edited or unbalanced, is idempotent, and its balances reconcile."""

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ValidationFailed
from tenants.ledger.models import Account, Entry, Journal
from tenants.ledger.selectors import account_balance_fen, ledger_reconcile
from tenants.ledger.services import Line, account_for, journal_post

K = Account.Kind


def _accrue(distributor_id: int, amount: int, key: str):
    frozen = account_for(kind=K.DISTRIBUTOR_FROZEN, owner_id=distributor_id)
    expense = account_for(kind=K.STORE_COMMISSION_EXPENSE)
    return journal_post(kind=Journal.Kind.ACCRUAL, idempotency_key=key,
                        lines=[Line(frozen, amount), Line(expense, -amount)])


def test_posting_is_idempotent(store_a):
    with schema_context(store_a.schema):
        first, created = _accrue(1, 2388, "accrual:order-1:line-1:level-1")
        again, created_again = _accrue(1, 2388, "accrual:order-1:line-1:level-1")
        assert created and not created_again and first.pk == again.pk
        frozen = account_for(kind=K.DISTRIBUTOR_FROZEN, owner_id=1)
        assert frozen.balance_fen == 2388 == account_balance_fen(account=frozen)
        assert Entry.objects.filter(journal=first).count() == 2


def test_unbalanced_journals_are_refused_by_the_service_and_the_database(store_a):
    with schema_context(store_a.schema):
        frozen = account_for(kind=K.DISTRIBUTOR_FROZEN, owner_id=1)
        expense = account_for(kind=K.STORE_COMMISSION_EXPENSE)
        with pytest.raises(ValidationFailed):
            journal_post(kind=Journal.Kind.ACCRUAL, idempotency_key="x", lines=[Line(frozen, 5), Line(expense, -4)])
        journal = Journal.objects.create(kind=Journal.Kind.ACCRUAL, idempotency_key="raw")
        with pytest.raises(DatabaseError, match="does not sum to zero"), transaction.atomic():
            Entry.objects.bulk_create([Entry(journal=journal, account=frozen, amount_fen=5),
                                       Entry(journal=journal, account=expense, amount_fen=-4)])


def test_entries_and_journals_cannot_be_changed_or_deleted(store_a):
    with schema_context(store_a.schema):
        journal, _ = _accrue(2, 100, "accrual:edit-me")
        entry = Entry.objects.filter(journal=journal).first()
        for action in (lambda: Entry.objects.filter(pk=entry.pk).update(amount_fen=1),
                       lambda: Entry.objects.filter(pk=entry.pk).delete(),
                       lambda: Journal.objects.filter(pk=journal.pk).update(memo="x")):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                action()


def test_every_store_schema_has_the_guards(store_a, store_b):
    # Stores are cloned from the base schema: the triggers must have come along.
    with connection.cursor() as cursor:
        cursor.execute("SELECT event_object_schema, count(DISTINCT trigger_name) FROM information_schema.triggers "
                       "WHERE event_object_table = 'ledger_entry' AND event_object_schema IN (%s, %s) "
                       "GROUP BY 1", [store_a.schema, store_b.schema])
        counts = dict(cursor.fetchall())
    assert counts == {store_a.schema: 2, store_b.schema: 2}


postings = st.lists(
    st.tuples(st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=10**7),
              st.sampled_from(["accrue", "release", "clawback"])),
    min_size=1, max_size=30,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(postings)
def test_random_postings_always_reconcile(store_b, ops):
    with schema_context(store_b.schema), transaction.atomic():
        expense = account_for(kind=K.STORE_COMMISSION_EXPENSE)
        for i, (who, amount, op) in enumerate(ops):
            frozen = account_for(kind=K.DISTRIBUTOR_FROZEN, owner_id=who)
            available = account_for(kind=K.DISTRIBUTOR_AVAILABLE, owner_id=who)
            pairs = {"accrue": (frozen, expense), "release": (available, frozen), "clawback": (expense, available)}
            to, source = pairs[op]
            journal_post(kind=Journal.Kind.ACCRUAL, idempotency_key=f"p{i}",
                         lines=[Line(to, amount), Line(source, -amount)])
        report = ledger_reconcile()
        assert report.ok, report
        transaction.set_rollback(True)
