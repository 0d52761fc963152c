"""Staff's side of a new store: the owner's console login (the connection is already in the store's schema)."""

from __future__ import annotations

from control_plane.tenancy.events import StoreOpened
from core.events import subscribe

from .services import staff_create_owner


def on_store_opened(event: StoreOpened) -> None:
    staff_create_owner(login=event.owner_login, password=event.owner_password)


def connect() -> None:
    subscribe(StoreOpened, on_store_opened)
