"""The merchant console's forms: what people type, parsed into the typed values the services take."""

from __future__ import annotations

import re
from dataclasses import asdict
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed
from core.form_fields import PercentField, WholeNumberField, YuanField
from core.money import format_fen, parse_yuan
from core.text import ascii_digits
from tenants.catalog.editing import MAX_SORT_ORDER, parse_spec_options, spec_matrix
from tenants.catalog.models import Category, Product, Sku
from tenants.catalog.services import SkuInput, spec_key
from tenants.crm.models import Segment
from tenants.distribution.configuration import COUNTS, MAX_FEE_BP, MAX_TEAM_BONUS_BP, DistributionRules
from tenants.distribution.grades import MAX_RANK, RULE_FIELDS
from tenants.distribution.models import Application, DistributionSettings, Distributor, Grade, Withdrawal
from tenants.marketing.campaigns import (
    DiscountItemInput,
    FlashItemInput,
    FlashSaleInput,
    FullReductionInput,
    TimedDiscountInput,
)
from tenants.marketing.groups import GroupBuyInput
from tenants.marketing.models import Coupon, FullReduction
from tenants.marketing.selectors import SEGMENTS
from tenants.marketing.services import CouponInput
from tenants.orders.models import Order, Review, ShippingTemplate
from tenants.orders.services import ORDER_RULE_RANGES
from tenants.orders.shipping import (
    UNREACHABLE,
    RegionRule,
    ShippingTemplateInput,
    region_line_error,
    region_rules_text,
)
from tenants.payments.models import PaymentIssue
from tenants.staff.models import StaffMember

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

S = DistributionSettings


class DistributionSettingsForm(forms.Form):
    """Every distribution rule of the store. Amounts in yuan and rates in percent on the page, fen and basis
    points in the rules."""

    enabled = forms.BooleanField(required=False)
    levels = WholeNumberField(low=COUNTS["levels"][0], high=COUNTS["levels"][1])
    recruitment = forms.ChoiceField(choices=S.Recruitment.choices)
    recruitment_product_id = WholeNumberField(low=1, high=10**18, required=False)
    recruitment_spend = YuanField()
    application_fields = forms.CharField(required=False, widget=forms.Textarea)
    binding_days = WholeNumberField(low=COUNTS["binding_days"][0], high=COUNTS["binding_days"][1])
    binding_mode = forms.ChoiceField(choices=S.BindingMode.choices)
    freeze_days = WholeNumberField(low=COUNTS["freeze_days"][0], high=COUNTS["freeze_days"][1])
    self_purchase_commission = forms.BooleanField(required=False)
    first_order_per_device_only = forms.BooleanField(required=False)
    settlement = forms.ChoiceField(choices=S.Settlement.choices)
    withdrawal_min = YuanField()
    withdrawal_fee = PercentField(max_bp=MAX_FEE_BP)
    withdrawal_daily_cap = YuanField()
    withdrawal_auto_approve_below = YuanField()
    team_bonus_enabled = forms.BooleanField(required=False)
    team_bonus = PercentField(max_bp=MAX_TEAM_BONUS_BP)
    monthly_target_bonus_enabled = forms.BooleanField(required=False)
    monthly_target_sales = YuanField()
    monthly_target_bonus = YuanField()
    fraud_orders_per_device_per_day = WholeNumberField(low=COUNTS["fraud_orders_per_device_per_day"][0],
                                                       high=COUNTS["fraud_orders_per_device_per_day"][1])

    # The rules' names -> this form's (yuan and percent fields are named without the unit).
    AMOUNTS = {"recruitment_spend_fen": "recruitment_spend", "withdrawal_min_fen": "withdrawal_min",
               "withdrawal_daily_cap_fen": "withdrawal_daily_cap",
               "withdrawal_auto_approve_below_fen": "withdrawal_auto_approve_below",
               "monthly_target_sales_fen": "monthly_target_sales", "monthly_target_bonus_fen": "monthly_target_bonus",
               "withdrawal_fee_bp": "withdrawal_fee", "team_bonus_bp": "team_bonus"}
    domain_fields = AMOUNTS

    @classmethod
    def initial_from(cls, rules: DistributionRules) -> dict:
        """The rules as the page shows them: yuan and percent with two decimals, one question per line."""
        values = {name: getattr(rules, name) for name in rules.__dataclass_fields__}
        for rule_name, field_name in cls.AMOUNTS.items():
            values[field_name] = format_fen(values.pop(rule_name))
        values["recruitment_product_id"] = rules.recruitment_product_id or ""
        values["application_fields"] = "\n".join(rules.application_fields)
        return values

    def rules(self, *, otherwise: DistributionRules | None = None) -> DistributionRules:
        """The rules typed; with ``otherwise`` (the rules in force), a field that did not parse keeps its
        current value, so the business rules can still be checked on everything else."""
        data = dict(self.cleaned_data)
        for rule_name, field_name in self.AMOUNTS.items():
            if field_name in data:
                data[rule_name] = data.pop(field_name)
        if "application_fields" in data:
            data["application_fields"] = tuple(data["application_fields"].splitlines())
        if otherwise is not None:
            data = {**asdict(otherwise), **data}
        return DistributionRules(**data)


class GradeForm(forms.Form):
    """A distributor grade: its name, its rank (higher is better) and what promotes a distributor to it."""

    name = forms.CharField(max_length=20)
    rank = WholeNumberField(low=1, high=MAX_RANK)
    orders_30d = WholeNumberField(low=0, high=1_000_000, required=False)
    team_sales_fen = YuanField(required=False)
    spent_fen = YuanField(required=False)

    @staticmethod
    def initial_from(grade: Grade | None) -> dict:
        if grade is None:
            return {"name": "", "rank": "", "orders_30d": "", "team_sales_fen": "", "spent_fen": ""}
        rules = grade.promotion_rules
        return {"name": grade.name, "rank": grade.rank, "orders_30d": rules.get("orders_30d", ""),
                **{key: format_fen(rules[key]) if key in rules else "" for key in ("team_sales_fen", "spent_fen")}}

    def promotion(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key in RULE_FIELDS if self.cleaned_data.get(key) is not None}


class RegionRulesField(forms.Field):
    """Region rules typed one per line — ``65, 54: 25.00`` (a fee there) or ``54: 不配送`` (no delivery) — as
    ``RegionRule``s; a line that does not read says which."""

    widget = forms.Textarea

    def to_python(self, value) -> tuple[RegionRule, ...]:
        rules = []
        for number, line in enumerate(str(value or "").splitlines(), start=1):
            if not line.strip():
                continue
            regions_text, sep, fee = line.replace("：", ":").partition(":")
            regions = tuple(r.strip() for r in re.split(r"[,，\s]+", regions_text) if r.strip())
            if not sep or not regions or any(not ascii_digits(r) or len(r) not in (2, 4, 6) for r in regions):
                raise forms.ValidationError(region_line_error(number))
            if fee.strip() == UNREACHABLE:
                rules.append(RegionRule(regions=regions, fee_fen=None))
                continue
            try:
                rules.append(RegionRule(regions=regions, fee_fen=parse_yuan(fee)))
            except ValueError:
                raise forms.ValidationError(_("第 %(n)s 行的运费不是有效金额。") % {"n": number}) from None
        return tuple(rules)


class ShippingTemplateForm(forms.Form):
    name = forms.CharField(max_length=40)
    mode = forms.ChoiceField(choices=ShippingTemplate.Mode.choices)
    flat_fee = YuanField(required=False)
    first_weight_g = WholeNumberField(low=1, high=1_000_000)
    first_fee = YuanField(required=False)
    extra_weight_g = WholeNumberField(low=1, high=1_000_000)
    extra_fee = YuanField(required=False)
    free_over = YuanField(required=False)  # blank: never free
    region_rules = RegionRulesField(required=False)
    is_default = forms.BooleanField(required=False)

    domain_fields = {"flat_fee_fen": "flat_fee", "first_fee_fen": "first_fee", "extra_fee_fen": "extra_fee",
                     "free_over_fen": "free_over"}

    @staticmethod
    def initial_from(template: ShippingTemplate | None) -> dict:
        if template is None:
            return {"mode": ShippingTemplate.Mode.FLAT, "first_weight_g": 1000, "extra_weight_g": 1000,
                    "flat_fee": "0.00", "first_fee": "0.00", "extra_fee": "0.00"}
        return {"name": template.name, "mode": template.mode, "flat_fee": format_fen(template.flat_fee_fen),
                "first_weight_g": template.first_weight_g, "first_fee": format_fen(template.first_fee_fen),
                "extra_weight_g": template.extra_weight_g, "extra_fee": format_fen(template.extra_fee_fen),
                "free_over": format_fen(template.free_over_fen) if template.free_over_fen is not None else "",
                "region_rules": region_rules_text(template), "is_default": template.is_default}

    def values(self) -> ShippingTemplateInput:
        data = self.cleaned_data
        return ShippingTemplateInput(
            name=data["name"], mode=data["mode"], flat_fee_fen=data["flat_fee"] or 0,
            first_weight_g=data["first_weight_g"], first_fee_fen=data["first_fee"] or 0,
            extra_weight_g=data["extra_weight_g"], extra_fee_fen=data["extra_fee"] or 0,
            free_over_fen=data["free_over"], region_rules=data["region_rules"], is_default=data["is_default"])


class CategoryForm(forms.Form):
    """A category of the two-level tree: its name, its parent (a top-level category, or none), its place."""

    name = forms.CharField(max_length=30)
    parent = WholeNumberField(low=1, high=10**18, required=False)  # the parent's id
    sort_order = WholeNumberField(low=0, high=MAX_SORT_ORDER, required=False)
    icon = forms.CharField(max_length=200, required=False)

    @staticmethod
    def initial_from(category: Category | None) -> dict:
        if category is None:
            return {"sort_order": 100}
        return {"name": category.name, "parent": category.parent_id or "", "sort_order": category.sort_order,
                "icon": category.icon}

    def clean_sort_order(self) -> int:
        value = self.cleaned_data["sort_order"]
        return 100 if value is None else value


STAFF_ROLES = [(value, label) for value, label in StaffMember.Role.choices if value != StaffMember.Role.OWNER]


class StaffAddForm(forms.Form):
    login = forms.CharField(max_length=150)
    password = forms.CharField(strip=False, widget=forms.PasswordInput)
    role = forms.ChoiceField(choices=STAFF_ROLES)

    def clean_password(self) -> str:
        """Django's password validators, as the service applies them: said together with the other fields."""
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class StaffChangeForm(forms.Form):
    """A role change or a removal of one staff member."""

    member_id = forms.ModelChoiceField(queryset=StaffMember.objects.all())
    role = forms.ChoiceField(choices=STAFF_ROLES, required=False)


class StoreNameForm(forms.Form):
    store_name = forms.CharField(max_length=60)


class WechatPayForm(forms.Form):
    """The store's WeChat Pay merchant credentials. The two secrets are write-only: left blank, the stored ones
    are kept. What is required and what a key must look like the service checks, all fields at once."""

    appid = forms.CharField(max_length=32, required=False)
    mchid = forms.CharField(max_length=32, required=False)
    cert_serial_no = forms.CharField(max_length=64, required=False)
    platform_public_key_id = forms.CharField(max_length=64, required=False)
    platform_public_key_pem = forms.CharField(widget=forms.Textarea, required=False)
    private_key_pem = forms.CharField(widget=forms.Textarea, required=False, strip=False)
    apiv3_key = forms.CharField(widget=forms.PasswordInput, required=False, strip=False)

    SHOWN = ("appid", "mchid", "cert_serial_no", "platform_public_key_id", "platform_public_key_pem")

    def shown(self, initial: dict) -> dict:
        """What the page shows: the posted or stored values, never a secret."""
        return {name: self.data.get(name, "") for name in self.SHOWN} if self.is_bound else initial


class WithdrawalActionForm(forms.Form):
    """Finance acting on one withdrawal: approve, reject (with a reason) or confirm it paid."""

    withdrawal_id = forms.ModelChoiceField(queryset=Withdrawal.objects.all())
    action = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject"), ("paid", "paid")])
    reason = forms.CharField(max_length=200, required=False)


class ApplicationActionForm(forms.Form):
    """Reviewing one application to become a distributor."""

    application_id = forms.ModelChoiceField(queryset=Application.objects.all())
    action = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    reason = forms.CharField(max_length=200, required=False)


class FreezeForm(forms.Form):
    """Freezing a distributor (no commission paid out, no withdrawal) or lifting it."""

    distributor_id = forms.ModelChoiceField(queryset=Distributor.objects.all())
    action = forms.ChoiceField(choices=[("freeze", "freeze"), ("unfreeze", "unfreeze")])
    reason = forms.CharField(max_length=200, required=False)


LEVELS = (1, 2, 3)
DEFAULT_DAYS = 30


def _rate(kind: str, level: int) -> PercentField:
    return PercentField(required=False, widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                                      "aria-label": f"{kind} {level}"}))


class SimulatorForm(forms.Form):
    """Level rates to try. A blank rate means "the same as the other one of its level"; a level left blank
    on both keeps the rates in force."""

    days = forms.IntegerField(min_value=1, max_value=180, required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "id": "days"}))
    first_1, repeat_1 = _rate("first", 1), _rate("repeat", 1)
    first_2, repeat_2 = _rate("first", 2), _rate("repeat", 2)
    first_3, repeat_3 = _rate("first", 3), _rate("repeat", 3)

    def clean_days(self) -> int:
        return self.cleaned_data["days"] or DEFAULT_DAYS

    def level_rates(self) -> dict[int, tuple[int, int]]:
        """{level: (first_order_bp, repeat_order_bp)} for the levels that were filled in."""
        rates = {}
        for level in LEVELS:
            first, repeat = self.cleaned_data[f"first_{level}"], self.cleaned_data[f"repeat_{level}"]
            if first is not None or repeat is not None:
                rates[level] = (first if first is not None else repeat, repeat if repeat is not None else first)
        return rates


def _days(label: StrOrPromise, help_text: StrOrPromise = "", *, name: str) -> forms.IntegerField:
    low, high = ORDER_RULE_RANGES[name]
    return forms.IntegerField(label=label, min_value=low, max_value=high, help_text=help_text)


class OrderRulesForm(forms.Form):
    auto_cancel_minutes = _days(_("未付款自动取消（分钟）"), name="auto_cancel_minutes")
    auto_receive_days = _days(_("发货后自动确认收货（天）"), name="auto_receive_days")
    after_sale_days = _days(_("确认收货后可申请售后（天）"), name="after_sale_days")
    merchant_review_days = _days(_("商家审核售后期限（天）"), _("逾期未处理的售后申请自动通过。"),
                                 name="merchant_review_days")
    return_days = _days(_("买家寄回期限（天）"), _("通过后买家逾期未寄回，售后自动关闭。"), name="return_days")
    return_receive_days = _days(_("商家确认收到退货期限（天）"),
                                _("买家寄回后商家逾期未确认，视为已收到并继续退款或换货。"), name="return_receive_days")
    reviews_need_approval = forms.BooleanField(label=_("评价经审核后展示"), required=False,
                                               help_text=_("关闭后，买家的评价提交即展示，商家仍可隐藏。"))


class ResolveForm(forms.Form):
    issue = forms.ModelChoiceField(queryset=PaymentIssue.objects.filter(resolved_at__isnull=True))


class SpecOptionsField(forms.Field):
    """Spec options one per line — ``颜色: 红, 蓝`` — as [("颜色", ["红", "蓝"])]; blank for one SKU."""

    widget = forms.Textarea

    def to_python(self, value) -> list[tuple[str, list[str]]]:
        try:
            return parse_spec_options(str(value or ""))
        except ValidationFailed as error:
            raise forms.ValidationError(error.message) from None


class TagsField(forms.Field):
    """Tags separated by commas (either width) as a list of names."""

    def to_python(self, value) -> list[str]:
        return [tag.strip() for tag in str(value or "").replace("，", ",").split(",") if tag.strip()]


class ProductForm(forms.Form):
    """A product's details and its spec options (the SKU matrix is ``SkuMatrixFormSet``)."""

    title = forms.CharField(max_length=120)
    subtitle = forms.CharField(max_length=200, required=False)
    description = forms.CharField(widget=forms.Textarea, required=False, strip=False)
    specs = SpecOptionsField(required=False)
    tags = TagsField(required=False)
    categories = forms.ModelMultipleChoiceField(queryset=Category.objects.filter(is_active=True), required=False)

    @staticmethod
    def initial_from(product: Product | None) -> dict:
        if product is None:
            return {"categories": []}
        return {"title": product.title, "subtitle": product.subtitle, "description": strip_tags(product.description),
                "specs": "\n".join(f"{s['name']}: {', '.join(s['values'])}" for s in product.specs),
                "tags": ", ".join(t.name for t in product.tags.all()),
                "categories": [c.pk for c in product.categories.all()]}

    def options(self) -> list[tuple[str, list[str]]]:
        """The spec options as far as they read (none while they do not), to lay out the matrix."""
        try:
            return self.fields["specs"].clean(self["specs"].value())
        except forms.ValidationError:
            return []


class SkuRowForm(forms.Form):
    """One row of the SKU matrix: one combination of spec values (``key`` says which, carried by the page)."""

    key = forms.CharField(required=False, widget=forms.HiddenInput)
    price = YuanField()
    original_price = YuanField(required=False)
    cost = YuanField(required=False)
    stock = WholeNumberField(low=0, high=10**9, required=False)  # initial stock: new combinations only
    weight = WholeNumberField(low=0, high=1_000_000, required=False)
    barcode = forms.CharField(max_length=40, required=False)
    low_stock = WholeNumberField(low=0, high=10**9, required=False)
    active = forms.BooleanField(required=False)

    def __init__(self, *args, spec_values: dict[str, str], existing: Sku | None, **kwargs):
        self.spec_values, self.existing = spec_values, existing
        super().__init__(*args, **kwargs)

    @property
    def label(self) -> str:
        return " / ".join(self.spec_values.values()) or str(_("默认"))

    @staticmethod
    def initial_from(sku: Sku | None) -> dict:
        if sku is None:
            return {"active": True}
        return {"price": format_fen(sku.price_fen), "active": sku.is_active,
                "original_price": format_fen(sku.original_price_fen) if sku.original_price_fen else "",
                "cost": format_fen(sku.cost_fen) if sku.cost_fen else "",
                "weight": sku.weight_g, "barcode": sku.barcode, "low_stock": sku.low_stock_threshold}

    def clean_price(self) -> int:
        if self.cleaned_data["price"] <= 0:
            raise forms.ValidationError(_("售价须大于 0。"), code="min")
        return self.cleaned_data["price"]

    def sku(self) -> SkuInput:
        data = self.cleaned_data
        return SkuInput(spec_values=self.spec_values, price_fen=data["price"], stock=data["stock"] or 0,
                        original_price_fen=data["original_price"], cost_fen=data["cost"],
                        weight_g=data["weight"] or 0, barcode=data["barcode"],
                        low_stock_threshold=data["low_stock"] or 0, is_active=data["active"])


class _SkuMatrix(forms.BaseFormSet):
    """The SKU matrix: one row per combination of the spec options, so the server, not the page, says how
    many rows there are; each row shows an existing SKU's values or what was typed."""

    def __init__(self, data=None, *, product: Product | None, options: list[tuple[str, list[str]]],
                 carried: dict[str, dict] | None = None):
        self.matrix = spec_matrix(options)
        self.existing = {sku.spec_key: sku for sku in product.skus.all()} if product else {}
        carried = carried or {}
        initial = [{**SkuRowForm.initial_from(self.existing.get(spec_key(values))), "key": spec_key(values),
                    **carried.get(spec_key(values), {})} for values in self.matrix]
        super().__init__(data, prefix="sku", initial=initial)

    def total_form_count(self) -> int:
        return len(self.matrix)

    @property
    def management_form(self):  # the row count is the matrix's, never posted
        form = forms.formsets.ManagementForm(
            {f"{self.prefix}-TOTAL_FORMS": len(self.matrix), f"{self.prefix}-INITIAL_FORMS": len(self.matrix)},
            prefix=self.prefix)
        form.full_clean()
        return form

    def get_form_kwargs(self, index: int | None) -> dict:
        values = self.matrix[index or 0]
        return {"spec_values": values, "existing": self.existing.get(spec_key(values))}

    def skus(self) -> list[SkuInput]:
        return [form.sku() for form in self.forms]

    @staticmethod
    def typed(data) -> dict[str, dict]:
        """What was typed on the matrix the page showed before (rows named by their hidden key), to carry it
        over to the combinations that remain when the options change."""
        carried, i = {}, 0
        while (key := data.get(f"sku-{i}-key")) is not None:
            carried[key] = {name: data.get(f"sku-{i}-{name}", "") for name in SkuRowForm.base_fields
                            if name != "key"}
            carried[key]["active"] = f"sku-{i}-active" in data
            i += 1
        return carried


SkuMatrixFormSet = cast(type[_SkuMatrix], forms.formset_factory(SkuRowForm, formset=_SkuMatrix, extra=0))


class BulkListingForm(forms.Form):
    """Products ticked on the list, to put on sale or take off."""

    product_ids = forms.ModelMultipleChoiceField(queryset=Product.objects.all(),
                                                 error_messages={"required": _("请先勾选商品。")})
    action = forms.ChoiceField(choices=[("on", "on"), ("off", "off")])


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Several files at once (each checked to be an image by the service, all before any is stored)."""

    widget = MultipleImageInput

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(ImagesField, self).clean(file, initial) for file in files]


class ImagesUploadForm(forms.Form):
    images = ImagesField(required=False)  # none chosen: the service says so, next to the field


class ImageForm(forms.Form):
    """One of the product's images, moved or removed."""

    def __init__(self, *args, product: Product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image_id"] = forms.ModelChoiceField(queryset=product.images.all())


class StockAdjustForm(forms.Form):
    """A correction of one SKU's stock: how many in (positive) or out (negative), and why."""

    delta = forms.IntegerField(error_messages={"invalid": _("请填写调整数量（正数入库，负数出库）。"),
                                               "required": _("请填写调整数量（正数入库，负数出库）。")},
                               min_value=-10**9, max_value=10**9)
    note = forms.CharField(max_length=200, required=False)  # required: the service says so, with its reason

    def __init__(self, *args, product: Product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sku_id"] = forms.ModelChoiceField(queryset=product.skus.filter(is_active=True))


class LineQuantitiesWidget(forms.Widget):
    """One quantity box per order line, posted as ``<prefix>-<line id>`` (the page lays the boxes out in its
    line table): read back as {line id: what was typed}."""

    def __init__(self, *, prefix: str, line_ids: list[int]):
        self.prefix, self.line_ids = prefix, line_ids
        super().__init__()

    def value_from_datadict(self, data, files, name) -> dict[int, str]:
        return {pk: str(data.get(f"{self.prefix}-{pk}", "")).strip() for pk in self.line_ids}


class LineQuantitiesField(forms.Field):
    """Quantities per order line: the lines given a number other than 0, or None when no box was filled
    (for a shipment, everything left)."""

    default_error_messages = {"invalid": _("第 %(n)s 个商品的数量请填写整数。")}

    def __init__(self, *, order: Order, prefix: str, **kwargs):
        self.positions = {line.pk: line.position for line in order.lines.all()}
        super().__init__(widget=LineQuantitiesWidget(prefix=prefix, line_ids=list(self.positions)), required=False,
                         **kwargs)

    def to_python(self, value) -> dict[int, int] | None:
        typed = {pk: raw for pk, raw in (value or {}).items() if raw}
        if not typed:
            return None
        for pk, raw in typed.items():
            if not ascii_digits(raw) or len(raw) > 9:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid",
                                            params={"n": self.positions[pk]})
        return {pk: int(raw) for pk, raw in typed.items() if int(raw)}


class ShipForm(forms.Form):
    """Shipping an order: the carrier and tracking number, and for a split shipment how many of each line
    (what the carrier and number must be, the service says)."""

    carrier_code = forms.CharField(max_length=16, required=False)
    tracking_no = forms.CharField(max_length=64, required=False)

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"] = LineQuantitiesField(order=order, prefix="ship")


class RefundForm(forms.Form):
    """The merchant refunding units of an order on their own: how many of each line, and why."""

    refund_reason = forms.CharField(max_length=200, required=False)
    domain_fields = {"reason": "refund_reason"}

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"] = LineQuantitiesField(order=order, prefix="refund")


class AfterSaleActionForm(forms.Form):
    """Acting on one of the order's after-sale requests: approve, reject with a reason, confirm the return
    arrived, or send the exchange (with its tracking number)."""

    reason = forms.CharField(max_length=200, required=False)
    carrier_code = forms.CharField(max_length=16, required=False)
    tracking_no = forms.CharField(max_length=64, required=False)

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["after_sale_id"] = forms.ModelChoiceField(queryset=order.after_sales.all())


class BillingForm(forms.Form):
    """Subscribing (through Stripe Checkout), changing plan, or opening Stripe's customer portal. Which plans
    are for sale and at which intervals the service says."""

    action = forms.ChoiceField(choices=[("subscribe", "subscribe"), ("change", "change"), ("portal", "portal")])
    plan = forms.CharField(max_length=40, required=False)
    interval = forms.CharField(max_length=10, required=False)

    def clean_interval(self) -> str:
        return self.cleaned_data["interval"] or "month"


class GradeChangeForm(forms.Form):
    """A manual change of one distributor's grade (the only way down), with the reason kept in its history;
    no grade chosen takes the grade away."""

    grade_id = forms.ModelChoiceField(queryset=Grade.objects.all(), required=False)
    reason = forms.CharField(max_length=200, required=False)


class GradeDeleteForm(forms.Form):
    grade_id = forms.ModelChoiceField(queryset=Grade.objects.all())


class CategoryVisibilityForm(forms.Form):
    """Hiding a category (with its children) from shoppers, or showing it again."""

    category_id = forms.ModelChoiceField(queryset=Category.objects.all())


class WeChatAppForm(forms.Form):
    """A WeChat app's credentials (the mini-program's, or the official account's). The secret is write-only:
    left blank, the stored one is kept. What each must be the service says."""

    appid = forms.CharField(max_length=32, required=False, label="AppID")
    secret = forms.CharField(max_length=64, required=False, strip=False, label="AppSecret",
                             widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class OfficialAccountForm(WeChatAppForm):
    ask_userinfo = forms.BooleanField(required=False, label=_("登录时请顾客授权昵称和头像"))


class ReviewActionForm(forms.Form):
    """A review's buttons on the moderation screen: publish, hide, or answer it."""

    review = forms.ModelChoiceField(queryset=Review.objects.all(), widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("publish", _("展示")), ("hide", _("隐藏")), ("reply", _("回复"))])
    reply = forms.CharField(max_length=300, required=False)


def _zhe_to_bp(zhe: Decimal | None) -> int:
    """折 as merchants say it (8.5 = 15% off) as basis points off."""
    return 0 if zhe is None else 10000 - int(zhe * 1000)


def _zhe_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=Decimal("0.1"), max_value=Decimal("9.9"), decimal_places=1,
                              help_text=_("8.5 即八五折"), **kwargs)


class CouponForm(forms.Form):
    """A new coupon. Amounts in yuan, the discount in 折 as merchants say it (8.5 = 15% off); the service checks
    how the fields go together and says so by field (tenants.marketing.services.coupon_problems)."""

    name = forms.CharField(label=_("名称"), max_length=40)
    kind = forms.ChoiceField(label=_("类型"), choices=Coupon.Kind.choices)
    amount_fen = YuanField(label=_("优惠金额（元）"), required=False)
    percent_off_bp = _zhe_field(_("折扣（折）"), required=False)
    max_discount_fen = YuanField(label=_("最多优惠（元）"), required=False)
    threshold_fen = YuanField(label=_("使用门槛（元）"), required=False, help_text=_("不填为无门槛"))
    scope = forms.ChoiceField(label=_("适用范围"), choices=Coupon.Scope.choices, initial=Coupon.Scope.ALL)
    categories = forms.ModelMultipleChoiceField(label=_("适用分类"), required=False,
                                                queryset=Category.objects.filter(is_active=True))
    products = forms.ModelMultipleChoiceField(label=_("适用商品"), required=False,
                                              queryset=Product.objects.exclude(status=Product.Status.DRAFT))
    valid_days = WholeNumberField(label=_("领取后有效天数"), low=1, high=365, required=False)
    valid_from = forms.DateTimeField(label=_("有效期开始"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    valid_until = forms.DateTimeField(label=_("有效期结束"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    total_quantity = WholeNumberField(label=_("发行数量"), low=1, high=10_000_000)
    per_member_limit = WholeNumberField(label=_("每人限领"), low=1, high=100, initial=1)
    claimable = forms.BooleanField(label=_("在领券中心展示"), required=False, initial=True)
    auto_issue = forms.ChoiceField(label=_("自动发放"), choices=Coupon.AutoIssue.choices, required=False)

    def clean_percent_off_bp(self) -> int:
        return _zhe_to_bp(self.cleaned_data["percent_off_bp"])

    def values(self) -> CouponInput:
        data = self.cleaned_data
        scope = data["scope"]
        ids = [c.pk for c in data["categories"]] if scope == Coupon.Scope.CATEGORIES else \
            [p.pk for p in data["products"]] if scope == Coupon.Scope.PRODUCTS else []
        return CouponInput(
            name=data["name"], kind=data["kind"], total_quantity=data["total_quantity"],
            amount_fen=data["amount_fen"] or 0, percent_off_bp=data["percent_off_bp"],
            max_discount_fen=data["max_discount_fen"], threshold_fen=data["threshold_fen"] or 0, scope=scope,
            scope_ids=ids, valid_from=data["valid_from"], valid_until=data["valid_until"],
            valid_days=data["valid_days"], per_member_limit=data["per_member_limit"], claimable=data["claimable"],
            auto_issue=data["auto_issue"] or Coupon.AutoIssue.NONE)


def issue_audiences() -> list[tuple[str, str]]:
    """Whom a coupon can be given to: the phone numbers typed, a fixed segment, or one of the store's segments."""
    return [("", str(_("下面的手机号"))), *((key, str(label)) for key, label in SEGMENTS.items()),
            *((f"seg:{s.pk}", str(s.name)) for s in Segment.objects.all())]


class CouponIssueForm(forms.Form):
    """发放: the coupon to a segment of members, or to the members with the phone numbers given."""

    coupon = forms.ModelChoiceField(queryset=Coupon.objects.all(), widget=forms.HiddenInput)
    segment = forms.ChoiceField(label=_("发给"), required=False, choices=lambda: issue_audiences())
    phones = forms.CharField(label=_("手机号"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("每行一个，或用逗号分开"))

    def clean(self):
        data = super().clean() or {}
        if not data.get("segment") and not (data.get("phones") or "").strip():
            self.add_error("phones", _("请选择发放对象，或填写手机号。"))
        return data

    def store_segment_id(self) -> int | None:
        """The store's own segment chosen (``seg:<id>``), or None for a fixed segment or the phones."""
        chosen = self.cleaned_data.get("segment") or ""
        return int(chosen[4:]) if chosen.startswith("seg:") else None

    def phone_list(self) -> list[str]:
        return [p for p in re.split(r"[\s,，]+", self.cleaned_data.get("phones") or "") if p]


class MarketingSettingsForm(forms.Form):
    return_coupons_on_refund = forms.BooleanField(label=_("整单退款后退回仍在有效期内的优惠券"), required=False)
    store_coupons_per_order = WholeNumberField(label=_("每单可叠加店铺优惠券（张）"), low=1, high=3, initial=1,
                                               help_text=_("另可再用一张包邮券"))


class CouponCodesForm(forms.Form):
    coupon = forms.ModelChoiceField(queryset=Coupon.objects.all(), widget=forms.HiddenInput)
    count = WholeNumberField(label=_("生成兑换码（个）"), low=1, high=10_000)


class CouponActionForm(forms.Form):
    coupon = forms.ModelChoiceField(queryset=Coupon.objects.all(), widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("pause", _("暂停发放")), ("resume", _("恢复发放")), ("end", _("结束发放"))])



class CampaignWindowForm(forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=40)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class TimedDiscountForm(CampaignWindowForm):
    """A timed discount: its products at a discount in 折 (every SKU of each), or at one price."""

    items = forms.ModelMultipleChoiceField(label=_("参加商品"),
                                           queryset=Product.objects.exclude(status=Product.Status.DRAFT))
    percent_off_bp = _zhe_field(_("折扣（折）"), required=False)
    price_fen = YuanField(label=_("或活动价（元）"), required=False, help_text=_("所有规格同一价格"))
    per_member_limit = WholeNumberField(label=_("每人限购（件）"), low=1, high=999, required=False,
                                        help_text=_("不填为不限购；超出部分按原价"))

    def clean_percent_off_bp(self) -> int:
        return _zhe_to_bp(self.cleaned_data["percent_off_bp"])

    def values(self) -> TimedDiscountInput:
        data = self.cleaned_data
        return TimedDiscountInput(
            name=data["name"], starts_at=data["starts_at"], ends_at=data["ends_at"],
            per_member_limit=data["per_member_limit"],
            items=[DiscountItemInput(product_id=p.pk, price_fen=data["price_fen"],
                                     percent_off_bp=data["percent_off_bp"]) for p in data["items"]])


class FullReductionForm(CampaignWindowForm):
    """A full reduction with up to three tiers (满 X 减 Y, or 满 X 打 Z 折)."""

    kind = forms.ChoiceField(label=_("类型"), choices=FullReduction.Kind.choices)
    threshold_1 = YuanField(label=_("第一档：满（元）"))
    worth_1 = forms.DecimalField(label=_("减（元）或 折"), min_value=Decimal("0.01"), decimal_places=2)
    threshold_2 = YuanField(label=_("第二档：满（元）"), required=False)
    worth_2 = forms.DecimalField(label=_("减（元）或 折"), min_value=Decimal("0.01"), decimal_places=2, required=False)
    threshold_3 = YuanField(label=_("第三档：满（元）"), required=False)
    worth_3 = forms.DecimalField(label=_("减（元）或 折"), min_value=Decimal("0.01"), decimal_places=2, required=False)
    scope = forms.ChoiceField(label=_("适用范围"), choices=Coupon.Scope.choices, initial=Coupon.Scope.ALL)
    categories = forms.ModelMultipleChoiceField(label=_("适用分类"), required=False,
                                                queryset=Category.objects.filter(is_active=True))
    products = forms.ModelMultipleChoiceField(label=_("适用商品"), required=False,
                                              queryset=Product.objects.exclude(status=Product.Status.DRAFT))

    def values(self) -> FullReductionInput:
        data = self.cleaned_data
        amount = data["kind"] == FullReduction.Kind.AMOUNT
        tiers = []
        for n in (1, 2, 3):
            threshold, worth = data.get(f"threshold_{n}"), data.get(f"worth_{n}")
            if threshold is None and worth is None:
                continue
            tiers.append({"threshold_fen": threshold or 0, "amount_fen": int(worth * 100) if worth else 0}
                         if amount else {"threshold_fen": threshold or 0, "percent_off_bp": _zhe_to_bp(worth)})
        scope = data["scope"]
        ids = [c.pk for c in data["categories"]] if scope == Coupon.Scope.CATEGORIES else \
            [p.pk for p in data["products"]] if scope == Coupon.Scope.PRODUCTS else []
        return FullReductionInput(name=data["name"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                                  kind=data["kind"], tiers=tiers, scope=scope, scope_ids=ids)


class SkuChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        spec = " ".join(str(v) for v in obj.spec_values.values())
        return f"{obj.product.title} {spec} · ¥{format_fen(obj.price_fen)} · {_('库存')} {obj.stock}".replace("  ", " ")


class FlashSaleForm(CampaignWindowForm):
    """A flash sale of one SKU (more through the API): the flash price, the units it may sell, the buyer's limit."""

    sku = SkuChoiceField(label=_("秒杀规格"), queryset=Sku.objects.filter(is_active=True).exclude(
        product__status=Product.Status.DRAFT).select_related("product").order_by("product__title", "pk"))
    price_fen = YuanField(label=_("秒杀价（元）"))
    quota = WholeNumberField(label=_("秒杀数量"), low=1, high=100_000)
    per_member_limit = WholeNumberField(label=_("每人限购（件）"), low=1, high=99, initial=1)

    def values(self) -> FlashSaleInput:
        data = self.cleaned_data
        return FlashSaleInput(name=data["name"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                              per_member_limit=data["per_member_limit"],
                              items=[FlashItemInput(sku_id=data["sku"].pk, price_fen=data["price_fen"],
                                                    quota=data["quota"])])


class GroupBuyForm(CampaignWindowForm):
    """A group buy of one SKU: the group price, the team size, the hours a team has to fill."""

    sku = SkuChoiceField(label=_("拼团规格"), queryset=Sku.objects.filter(is_active=True).exclude(
        product__status=Product.Status.DRAFT).select_related("product").order_by("product__title", "pk"))
    price_fen = YuanField(label=_("拼团价（元）"))
    group_size = WholeNumberField(label=_("成团人数"), low=2, high=20, initial=2)
    hours = WholeNumberField(label=_("成团时限（小时）"), low=1, high=72, initial=24)

    def values(self) -> GroupBuyInput:
        data = self.cleaned_data
        return GroupBuyInput(name=data["name"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                             sku_id=data["sku"].pk, price_fen=data["price_fen"], group_size=data["group_size"],
                             hours=data["hours"])


class CampaignActionForm(forms.Form):
    campaign = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    action = forms.ChoiceField(choices=[("pause", _("暂停")), ("resume", _("恢复")), ("end", _("结束"))])


class ShareRewardsForm(forms.Form):
    enabled = forms.BooleanField(label=_("开启分享奖励"), required=False)
    new_member_points = WholeNumberField(label=_("邀请新会员奖励积分"), low=0, high=100_000)
    new_member_coupons = forms.BooleanField(label=_("邀请新会员也发分享奖励券"), required=False)
    order_points = WholeNumberField(label=_("好友首单付款奖励积分"), low=0, high=100_000)
    order_coupons = forms.BooleanField(label=_("好友首单付款发分享奖励券"), required=False,
                                       help_text=_("分享奖励券：自动发放设为“分享奖励”的优惠券。"))
    daily_cap = WholeNumberField(label=_("每人每天最多奖励（次）"), low=1, high=1000)
    window_days = WholeNumberField(label=_("注册后多少天内的首单计入"), low=1, high=365)
