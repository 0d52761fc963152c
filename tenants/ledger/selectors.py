"""Reading the ledger: balances and the reconciliation check."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from .models import POINTS_ACCOUNT_KINDS, Account, Entry, Journal


def account_balance_fen(*, account: Account) -> int:
    """The balance derived from entries (the source of truth)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(sum(amount_fen), 0) FROM {Entry._meta.db_table} WHERE account_id = %s",  # noqa: S608
                       [account.pk])
        return int(cursor.fetchone()[0])


@dataclass(frozen=True)
class Reconciliation:
    accounts_checked: int
    journals_checked: int
    balance_mismatches: list[tuple[int, int, int]]  # (account_id, cached, derived)
    unbalanced_journals: list[tuple[int, int]]  # (journal_id, sum)
    ledger_total_fen: int  # sum of every money entry: zero when the books balance
    points_total: int = 0  # sum of every points entry: zero too (a journal never mixes the two)

    @property
    def ok(self) -> bool:
        return (not self.balance_mismatches and not self.unbalanced_journals and self.ledger_total_fen == 0
                and self.points_total == 0)


def ledger_reconcile() -> Reconciliation:
    """Every account's cached balance equals the sum of its entries, every journal sums to zero, and so do all
    money entries and all points entries, each unit apart."""
    accounts, entries, journals = Account._meta.db_table, Entry._meta.db_table, Journal._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, a.balance_fen, coalesce(s.total, 0) FROM {accounts} a "  # noqa: S608
            f"LEFT JOIN (SELECT account_id, sum(amount_fen) AS total FROM {entries} GROUP BY account_id) s "
            "ON s.account_id = a.id WHERE a.balance_fen <> coalesce(s.total, 0)"
        )
        mismatches = [(int(a), int(b), int(c)) for a, b, c in cursor.fetchall()]
        cursor.execute(
            f"SELECT journal_id, sum(amount_fen) FROM {entries} GROUP BY journal_id "  # noqa: S608
            "HAVING sum(amount_fen) <> 0"
        )
        unbalanced = [(int(a), int(b)) for a, b in cursor.fetchall()]
        cursor.execute(f"SELECT (SELECT count(*) FROM {accounts}), (SELECT count(*) FROM {journals}), "  # noqa: S608
                       f"coalesce(sum(e.amount_fen) FILTER (WHERE NOT a.kind = ANY(%s)), 0), "
                       f"coalesce(sum(e.amount_fen) FILTER (WHERE a.kind = ANY(%s)), 0) "
                       f"FROM {entries} e JOIN {accounts} a ON a.id = e.account_id",
                       [sorted(POINTS_ACCOUNT_KINDS), sorted(POINTS_ACCOUNT_KINDS)])
        account_count, journal_count, total, points = cursor.fetchone()
    return Reconciliation(accounts_checked=int(account_count), journals_checked=int(journal_count),
                          balance_mismatches=mismatches, unbalanced_journals=unbalanced,
                          ledger_total_fen=int(total), points_total=int(points))


def account_balances_by_owner() -> dict[int, dict[str, int]]:
    """Every owner's cached balances by account kind, in one query (for exports)."""
    balances: dict[int, dict[str, int]] = {}
    for owner_id, kind, balance in Account.objects.filter(owner_id__isnull=False).values_list(
            "owner_id", "kind", "balance_fen"):
        if owner_id is not None:  # filtered above; says so to the type checker
            balances.setdefault(owner_id, {})[kind] = balance
    return balances
