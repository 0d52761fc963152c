"""What tenancy announces (through core.events) to the control-plane apps that build on it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TenantProvisioned:
    """A store was created (inside the creating transaction): billing starts its trial on ``plan_code``
    (empty: the platform's trial plan)."""

    tenant_id: int
    plan_code: str = ""
