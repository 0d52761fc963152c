"""What the console's forms share: a domain error shown on the form it came from, and fields that parse
what people type (percent) through ``core.money``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.money import BP_DENOMINATOR, format_fen, parse_percent_bp


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


class PercentField(forms.CharField):
    """A percent typed by a person ("12", "12.5%") as integer basis points, through ``core.money``: at most two
    decimals, never negative, at most ``max_bp``."""

    default_error_messages = {"invalid": _("请填写百分比，最多两位小数。"),
                              "max_bp": _("不能超过 %(top)s%%。")}

    def __init__(self, *, max_bp: int = BP_DENOMINATOR, **kwargs):
        self.max_bp = max_bp
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value) -> int | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            bp = parse_percent_bp(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if bp > self.max_bp:
            raise forms.ValidationError(self.error_messages["max_bp"], code="max_bp",
                                        params={"top": format_fen(self.max_bp)})
        return bp
