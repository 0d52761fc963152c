"""What the console's forms share: a domain error shown on the form it came from."""

from __future__ import annotations

from django import forms

from core.errors import DomainError


def form_add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's refusal on the form: each named field's messages in place (a field the form does not
    have goes to the top of the form), and the message itself on top when no field was named."""
    placed = False
    for name, messages in error.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
