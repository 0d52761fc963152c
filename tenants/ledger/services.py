"""Posting to the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction

from core.errors import ValidationFailed

from .error_codes import LedgerCode
from .models import POINTS_ACCOUNT_KINDS, Account, Entry, Journal


@dataclass(frozen=True)
class Line:
    account: Account
    amount_fen: int


def account_for(*, kind: str, owner_id: int | None = None) -> Account:
    """The account of that kind for that owner, created on first use (race-safe)."""
    account = Account.objects.filter(kind=kind, owner_id=owner_id).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=kind, owner_id=owner_id)
    except IntegrityError:
        return Account.objects.get(kind=kind, owner_id=owner_id)


@transaction.atomic
def journal_post(*, kind: str, idempotency_key: str, lines: Sequence[Line], reference: str = "",
                 memo: str = "") -> tuple[Journal, bool]:
    """Post one balanced journal. Returns (journal, created). Posting the same idempotency key again
    returns the first journal and writes nothing, so a retried task never pays twice."""
    if sum(line.amount_fen for line in lines) != 0:
        raise ValidationFailed("A journal's entries must sum to zero.", code=LedgerCode.UNBALANCED_JOURNAL)
    if len(lines) < 2 or any(line.amount_fen == 0 for line in lines):
        raise ValidationFailed("A journal needs at least two non-zero entries.", code=LedgerCode.UNBALANCED_JOURNAL)
    if len({line.account.kind in POINTS_ACCOUNT_KINDS for line in lines}) > 1:
        raise ValidationFailed("A journal never mixes points and money.", code=LedgerCode.UNBALANCED_JOURNAL)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Journal._meta.db_table} (kind, idempotency_key, reference, memo, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, now()) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
            [kind, idempotency_key, reference, memo],
        )
        row = cursor.fetchone()
    if row is None:
        return Journal.objects.get(idempotency_key=idempotency_key), False
    journal = Journal.objects.get(pk=row[0])
    # All entries in one INSERT: the balance trigger checks each statement.
    Entry.objects.bulk_create([Entry(journal=journal, account=line.account, amount_fen=line.amount_fen)
                               for line in lines])
    # Cached balances, updated in account id order so concurrent postings never deadlock.
    totals: dict[int, int] = {}
    for line in lines:
        totals[line.account.pk] = totals.get(line.account.pk, 0) + line.amount_fen
    with connection.cursor() as cursor:
        for account_id in sorted(totals):
            cursor.execute(f"UPDATE {Account._meta.db_table} SET balance_fen = balance_fen + %s WHERE id = %s",  # noqa: S608
                           [totals[account_id], account_id])
    return journal, True
