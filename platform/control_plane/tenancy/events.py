"""What tenancy announces (through core.events): to the control-plane apps that build on it (billing), and to the
tenant apps that set up a store's own side (storefront, staff) — so the control plane imports no tenant code."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TenantProvisioned:
    """A store was created (inside the creating transaction): billing starts its trial on ``plan_code``
    (empty: the platform's trial plan)."""

    tenant_id: int
    plan_code: str = ""


@dataclass(frozen=True)
class StoreTemplate:
    """What a store copies of a catalog template (plain data: tenant apps never see control-plane models)."""

    code: str
    version: int
    theme: dict
    layout: dict


@dataclass(frozen=True)
class StoreOpened:
    """A store was signed up (inside the creating transaction, the connection in the new store's schema): the
    tenant apps set up their side — the storefront copies the template, staff creates the owner's login."""

    schema_name: str
    template: StoreTemplate
    owner_login: str
    owner_password: str = field(repr=False)


@dataclass(frozen=True)
class StoreTemplateSwitched:
    """The merchant chose another catalog template (connection in the store's schema): the storefront takes a
    fresh copy of it."""

    schema_name: str
    template: StoreTemplate
