"""What a shopper's browser sends the H5 pages: the listing's search, filters and sort; logging in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.money import parse_yuan

SORT_CHOICES = [("newest", _("新品")), ("sales", _("销量")), ("price_asc", _("价格从低到高")),
                ("price_desc", _("价格从高到低"))]


class YuanFilterField(forms.Field):
    """A price bound typed in yuan, as fen."""

    default_error_messages = {"invalid": _("请填写金额（元），最多两位小数。")}

    def to_python(self, value) -> int | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return parse_yuan(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"]) from None


class ListingForm(forms.Form):
    """Search words (Chinese or not), a category, a price range and the order: what ``product_page_for_shoppers``
    takes. A value that does not read is dropped (and said), the rest still applies."""

    q = forms.CharField(max_length=50, required=False)
    category = forms.IntegerField(min_value=1, max_value=2**62, required=False)
    min_price = YuanFilterField(required=False)
    max_price = YuanFilterField(required=False)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, max_value=1000, required=False)

    def criteria(self) -> dict:
        """The filters that read, named as the listing selector names them."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        criteria = {"q": data.get("q", ""), "sort": data.get("sort") or "newest"}
        for name, key in (("category", "category_id"), ("min_price", "min_price_fen"), ("max_price", "max_price_fen")):
            if data.get(name) is not None:
                criteria[key] = data[name]
        return {key: value for key, value in criteria.items() if value != ""}

    def page_number(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("page") or 1


class PhoneLoginForm(forms.Form):
    """A mainland phone number, and the code texted to it (asked for by the "get a code" button)."""

    phone = forms.CharField(label=_("手机号"), max_length=11, widget=forms.TextInput(attrs={
        "type": "tel", "inputmode": "numeric", "autocomplete": "tel-national", "placeholder": _("11 位手机号")}))
    code = forms.CharField(label=_("验证码"), max_length=6, required=False, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": _("6 位数字")}))


def form_refusal(form: forms.Form, error: DomainError) -> None:
    """A service's refusal shown on the form: each field's message by its field, and the refusal's own
    message above the form unless a field already says it."""
    said = set()
    for name, messages in error.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
            said.add(str(message))
    if str(error.message) not in said:
        form.add_error(None, error.message)
