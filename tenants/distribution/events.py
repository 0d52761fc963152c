"""What distribution announces inside itself (core.events), so the payout machinery can follow a withdrawal
without the withdrawal rules importing it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WithdrawalApproved:
    """A withdrawal may now be paid (inside the approving transaction)."""

    withdrawal_id: int
