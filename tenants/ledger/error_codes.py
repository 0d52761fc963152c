"""The ledger app's error codes: what its refusals say to clients, stable and documented."""

from enum import StrEnum

from core.errors import error_codes


@error_codes
class LedgerCode(StrEnum):
    UNBALANCED_JOURNAL = "unbalanced_journal"
