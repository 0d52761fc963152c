"""What the console's forms share: a domain error shown on the form it came from, and fields that parse what
people type (yuan, percent, whole numbers in a range) through ``core.money``, with their errors in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.money import BP_DENOMINATOR, format_fen, parse_percent_bp, parse_yuan
from core.text import ascii_digits

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


class _HundredthsField(forms.Field):
    """Text a person types with at most two decimals, parsed by ``core.money`` into integer hundredths (fen,
    basis points): never negative, never rounded silently."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    parse: Callable[[str], int]  # core.money's parser, set by each field

    def to_python(self, value) -> int | None:
        text = str(value).strip() if value is not None else ""
        if text in self.empty_values:
            return None
        try:
            return self.parse(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class PercentField(_HundredthsField):
    """A percent ("12", "12.5%") as basis points, at most ``max_bp``."""

    default_error_messages = {"invalid": _("请填写百分比，最多两位小数。"),
                              "max_bp": _("不能超过 %(top)s%%。")}
    parse = staticmethod(parse_percent_bp)

    def __init__(self, *, max_bp: int = BP_DENOMINATOR, **kwargs):
        self.max_bp = max_bp
        super().__init__(**kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None and value > self.max_bp:
            raise forms.ValidationError(self.error_messages["max_bp"], code="max_bp",
                                        params={"top": format_fen(self.max_bp)})


class YuanField(_HundredthsField):
    """An amount in yuan ("199.9", "1,299.00") as fen."""

    default_error_messages = {"invalid": _("请填写金额（元），最多两位小数。")}
    parse = staticmethod(parse_yuan)

    def prepare_value(self, value):
        return format_fen(value) if isinstance(value, int) else value


class WholeNumberField(forms.Field):
    """A whole number from ``low`` to ``high`` in ASCII digits; every refusal (blank, "abc", "1²", out of range)
    says the range."""

    default_error_messages = {"range": _("请填写 %(low)s 到 %(high)s 之间的整数。")}
    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def __init__(self, *, low: int, high: int, **kwargs):
        self.low, self.high = low, high
        super().__init__(**kwargs)

    def to_python(self, value) -> int | None:
        text = str(value).strip() if value is not None else ""
        if not text and not self.required:
            return None
        if not ascii_digits(text) or len(text) > 18 or not self.low <= int(text) <= self.high:
            raise forms.ValidationError(self.error_messages["range"], code="range",
                                        params={"low": self.low, "high": self.high})
        return int(text)
