"""What the console's forms share: a domain error shown on the form it came from, the page's status and message.
The fields that parse what people type are in ``core.form_fields`` (the H5 storefront's forms use them too)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

T = TypeVar("T")


def form_add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's refusal on the form: each named field's messages in place (a form whose fields are named
    otherwise than the service's inputs maps them in ``domain_fields``; a field the form does not have goes to
    the top of the form), and the message itself on top when no field was named."""
    placed = False
    form.refusal_status = error.http_status  # type: ignore[attr-defined]  # e.g. 403 for a plan limit
    renamed = getattr(form, "domain_fields", {})
    for name, messages in error.fields.items():
        name = renamed.get(name, name)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def form_done(form: forms.Form, action: Callable[[], object]) -> bool:
    """Run ``action`` (the one service call of a screen) if ``form`` is valid: True when it ran, False when
    the form holds errors — its own, or the service's refusal put on it (``form_add_domain_error``)."""
    if not form.is_valid():
        return False
    try:
        action()
    except DomainError as error:
        form_add_domain_error(form, error)
        return False
    return True


def form_submit(form: forms.Form, action: Callable[[], T]) -> T | None:
    """``form_done`` for an action whose result the page needs (the saved object, where to go next): the
    result, or None when the form now holds errors."""
    results: list[T] = []
    return results[0] if form_done(form, lambda: results.append(action())) else None


def form_page(form: forms.Form, initial: dict) -> dict:
    """For a page that lays its inputs out by hand: the values to show (what was posted, else ``initial``),
    each field's errors, and the message on top."""
    values = form.data if form.is_bound else initial
    errors = {name: list(messages) for name, messages in form.errors.items() if name != "__all__"}
    top = form.non_field_errors()
    message = " ".join(str(e) for e in top) if top else (_("请修正标出的字段。") if form.errors else "")
    return {"form": values, "errors": errors, "message": message}


def posted_action(request: HttpRequest, *, default: str = "") -> str:
    """Which button of a page's forms was pressed (the ``action`` its submit button carries): ``default`` for
    a post without one, "" for a GET."""
    if request.method != "POST":
        return ""
    return request.POST.get("action") or default


def form_message(form: forms.Form) -> str:
    """Every error of the form in one line, for a page that shows none in place (a row's action buttons)."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def form_status(form: forms.Form | None) -> int:
    """The page's status: 200, or 400 for a form with errors to put right — a conflict the service found
    (too little stock, a state that moved on) included, since the page shows it in place. A refusal no edit
    can change keeps its own status (403 for a plan limit, 429 for too many tries, 503 for a payment platform
    that did not answer)."""
    if form is None or not form.errors:
        return 200
    status = getattr(form, "refusal_status", 400)
    return status if status in (403, 429) or status >= 500 else 400
