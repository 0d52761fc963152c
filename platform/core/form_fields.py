"""Form fields that parse what people type through ``core.money`` into integers (yuan into fen, percent into
basis points, whole numbers in a range), never rounding silently, with their errors in Chinese and English.
Used by the consoles and the H5 storefront alike."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import BP_DENOMINATOR, format_fen, parse_percent_bp, parse_yuan
from core.text import ascii_digits


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
            raise forms.ValidationError(self.error_messages["invalid"]) from None


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
            raise forms.ValidationError(self.error_messages["max_bp"],
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
            raise forms.ValidationError(self.error_messages["range"],
                                        params={"low": self.low, "high": self.high})
        return int(text)
