"""What members announce (core.events). Marketing subscribes (新人券); members imports no app above it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MemberJoined:
    """A new member signed up (inside the transaction that made them). Subscribers must not refuse: a welcome
    gift that cannot be given is skipped, never a reason to turn a shopper away."""

    member_id: int
