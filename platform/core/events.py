"""In-process domain events, so a lower app can announce something (an order was paid) without
importing the apps that react to it (distribution, payments). Handlers run synchronously, inside the
publisher's transaction: a handler that fails rolls the business action back. Side effects outside the
database belong in a task enqueued on commit by the handler."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

_handlers: dict[type, list[Callable[[Any], None]]] = defaultdict(list)


def subscribe(event_type: type, handler: Callable[[Any], None]) -> None:
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def publish(event: object) -> None:
    for handler in list(_handlers[type(event)]):
        handler(event)
