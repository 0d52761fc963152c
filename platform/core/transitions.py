"""One table of allowed transitions per stateful model: the services enforce it, the consoles read it to decide
which actions to offer, so the two cannot drift apart."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from .errors import IllegalTransition


@dataclass(frozen=True)
class Action:
    sources: frozenset[str]  # states the action may start from
    label: str | Promise  # what the action is called, for messages ("不能发货")


class Transitions:
    def __init__(self, actions: dict[str, tuple[Iterable[str], str | Promise]], *, refusal: str | Promise):
        """``refusal`` is the message of a refused action, with ``%(status)s`` and ``%(action)s``."""
        self._actions = {name: Action(frozenset(str(s) for s in sources), label)
                         for name, (sources, label) in actions.items()}
        self._refusal = refusal

    def allows(self, action: str, status: str) -> bool:
        return str(status) in self._actions[action].sources

    def available(self, status: str) -> frozenset[str]:
        """Every action the table allows from ``status`` (what a console may offer)."""
        return frozenset(name for name, action in self._actions.items() if str(status) in action.sources)

    def check(self, action: str, status: str, *, status_label: str) -> None:
        """Refuse ``action`` from ``status`` with a message naming both (IllegalTransition)."""
        if not self.allows(action, status):
            raise IllegalTransition(str(self._refusal) % {"status": status_label,
                                                         "action": self._actions[action].label})
