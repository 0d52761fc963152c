"""The storefront's side of what tenancy announces: a new store, or another template, gets a fresh copy of the
template's layout (the connection is already in the store's schema)."""

from __future__ import annotations

from control_plane.tenancy.events import StoreOpened, StoreTemplateSwitched
from core.events import subscribe

from .services import storefront_apply_template


def on_store_template(event: StoreOpened | StoreTemplateSwitched) -> None:
    storefront_apply_template(template=event.template)


def connect() -> None:
    subscribe(StoreOpened, on_store_template)
    subscribe(StoreTemplateSwitched, on_store_template)
