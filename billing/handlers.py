"""What billing does when tenancy announces something (wired up in BillingConfig.ready)."""

from __future__ import annotations

from control_plane.tenancy.events import TenantProvisioned
from core.events import subscribe

from .services import trial_start


def _on_tenant_provisioned(event: TenantProvisioned) -> None:
    trial_start(tenant_id=event.tenant_id, plan_code=event.plan_code)


subscribe(TenantProvisioned, _on_tenant_provisioned)
