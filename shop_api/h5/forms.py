"""What a shopper's browser sends the H5 pages: the listing's search, filters and sort; logging in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.form_fields import YuanField
from tenants.members.services import AddressInput
from tenants.orders.aftersales import MAX_PHOTOS as MAX_AFTER_SALE_PHOTOS
from tenants.orders.models import CARRIERS, AfterSale, OrderLine
from tenants.orders.reviews import MAX_PHOTOS as MAX_REVIEW_PHOTOS

SORT_CHOICES = [("newest", _("新品")), ("sales", _("销量")), ("price_asc", _("价格从低到高")),
                ("price_desc", _("价格从高到低"))]


class ListingForm(forms.Form):
    """Search words (Chinese or not), a category, a price range and the order: what ``product_page_for_shoppers``
    takes. A value that does not read is dropped (and said), the rest still applies."""

    q = forms.CharField(max_length=50, required=False)
    category = forms.IntegerField(min_value=1, max_value=2**62, required=False)
    min_price = YuanField(required=False)
    max_price = YuanField(required=False)
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
    """A service's refusal shown on the form: each field's message by its field (above the form for a field the
    shopper does not see), and the refusal's own message above the form unless a field already says it."""
    said = set()
    for name, messages in error.fields.items():
        for message in messages:
            shown = name in form.fields and not form.fields[name].widget.is_hidden
            form.add_error(name if shown else None, message)
            said.add(str(message))
    if str(error.message) not in said:
        form.add_error(None, error.message)


class AddToCartForm(forms.Form):
    """The product page's SKU and quantity, into the cart or straight to checkout."""

    sku = forms.IntegerField(min_value=1, max_value=2**62, error_messages={"required": _("请选择规格。")})
    quantity = forms.IntegerField(min_value=1, max_value=999, initial=1, error_messages={
        "min_value": _("数量需在 1 到 999 之间。"), "max_value": _("数量需在 1 到 999 之间。")})
    action = forms.ChoiceField(choices=[("cart", _("加入购物车")), ("buy", _("立即购买"))], required=False)


class CartLineForm(forms.Form):
    action = forms.ChoiceField(choices=[("more", "+"), ("less", "-"), ("remove", _("删除")), ("select", _("选中")),
                                        ("unselect", _("不选"))])


class ItemsField(forms.Field):
    """What is being bought, as "sku:quantity" pairs separated by commas (the checkout page's hidden field)."""

    widget = forms.HiddenInput
    default_error_messages = {"invalid": _("商品信息无效，请回到购物车重新结算。")}

    def to_python(self, value) -> list[dict]:
        text = str(value or "")
        if len(text) > 2000:
            raise forms.ValidationError(self.error_messages["invalid"])
        items = []
        for pair in filter(None, text.split(",")):
            sku, _sep, quantity = pair.partition(":")
            if not (sku.isascii() and sku.isdigit() and quantity.isascii() and quantity.isdigit()) or \
                    len(sku) > 18 or len(quantity) > 3:
                raise forms.ValidationError(self.error_messages["invalid"])
            items.append({"sku_id": int(sku), "quantity": int(quantity)})
        if not items or len(items) > 50:
            raise forms.ValidationError(self.error_messages["invalid"])
        return items


def items_text(items: list[dict]) -> str:
    return ",".join(f"{item['sku_id']}:{item['quantity']}" for item in items)


class CheckoutForm(forms.Form):
    address = forms.IntegerField(min_value=1, max_value=2**62, error_messages={"required": _("请选择收货地址。")})
    items = ItemsField()
    remark = forms.CharField(label=_("订单备注"), max_length=200, required=False, widget=forms.TextInput(attrs={
        "placeholder": _("选填，给商家的话")}))
    # One key per checkout page shown: submitting twice (a double tap, a retry) places one order.
    key = forms.CharField(min_length=8, max_length=64, widget=forms.HiddenInput)
    # "" lets the store pick the best coupons, "none" uses none, a number is the member coupon chosen.
    coupon = forms.RegexField(regex=r"^(|none|[1-9][0-9]{0,17})$", required=False)
    # A flash-sale purchase: the item, bought at the flash price through the sale's gate.
    flash = forms.IntegerField(min_value=1, max_value=2**62, required=False, widget=forms.HiddenInput)
    # A group-buy order: the group buy, and the team to join (none: the order opens a team).
    group = forms.IntegerField(min_value=1, max_value=2**62, required=False, widget=forms.HiddenInput)
    team = forms.IntegerField(min_value=1, max_value=2**62, required=False, widget=forms.HiddenInput)
    # How many of the member's points pay (the box offers the most this order can take); empty: none.
    points = forms.IntegerField(min_value=0, max_value=10**9, required=False)


def coupon_ids(choice: str | None) -> list[int] | None:
    """The checkout's coupon choice as ``checkout_preview`` takes it."""
    if not choice:
        return None
    return [] if choice == "none" else [int(choice)] if choice.isdigit() and len(choice) < 19 else None


class AddressForm(forms.Form):
    recipient = forms.CharField(label=_("收货人"), max_length=30)
    phone = forms.CharField(label=_("手机号"), max_length=11, widget=forms.TextInput(attrs={
        "type": "tel", "inputmode": "numeric", "autocomplete": "tel-national"}))
    # Chosen with the province / city / county pickers (h5.js fills them from the region data).
    region_code = forms.CharField(label=_("所在地区"), max_length=6, widget=forms.HiddenInput, error_messages={
        "required": _("请选择省市区。")})
    detail = forms.CharField(label=_("详细地址"), max_length=200, widget=forms.Textarea(attrs={
        "rows": 2, "placeholder": _("街道、楼栋、门牌号")}))
    is_default = forms.BooleanField(label=_("设为默认地址"), required=False)

    def values(self) -> AddressInput:
        return AddressInput(**self.cleaned_data)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files from one input (Django's documented recipe): a list, empty when none was chosen."""

    widget = MultipleImageInput

    def clean(self, data, initial=None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReviewForm(forms.Form):
    """One order line's review: stars, words and up to six photos."""

    line = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(label=_("评分"), coerce=int, choices=[(n, n) for n in range(5, 0, -1)],
                                    widget=forms.RadioSelect, error_messages={"required": _("请选择 1 到 5 星。")})
    text = forms.CharField(label=_("评价"), max_length=500, required=False, widget=forms.Textarea(attrs={
        "rows": 3, "placeholder": _("说说用起来怎么样，帮其他买家做决定")}))
    photos = MultipleImageField(label=_("照片"), required=False, widget=MultipleImageInput(attrs={"accept": "image/*"}))

    def clean_photos(self) -> list:
        photos = self.cleaned_data["photos"]
        if len(photos) > MAX_REVIEW_PHOTOS:  # before any is kept
            raise forms.ValidationError(_("最多上传 %(n)s 张照片。") % {"n": MAX_REVIEW_PHOTOS})
        return photos


AFTER_SALE_REASONS = [_("不想要了"), _("拍错了 / 多拍了"), _("质量问题"), _("商品与描述不符"), _("收到商品破损"),
                      _("少件 / 漏发"), _("尺码或规格不合适"), _("其他")]


class AfterSaleForm(forms.Form):
    """An after-sale request on one order: the kind (those the order's state allows), how many units of each
    line, why, a note and photos."""

    kind = forms.ChoiceField(label=_("售后类型"), widget=forms.RadioSelect,
                             error_messages={"required": _("请选择售后类型。")})
    reason = forms.ChoiceField(label=_("售后原因"), choices=[("", _("请选择")), *[(r, r) for r in AFTER_SALE_REASONS]],
                               error_messages={"required": _("请选择售后原因。")})
    description = forms.CharField(label=_("补充说明"), max_length=500, required=False, widget=forms.Textarea(attrs={
        "rows": 3, "placeholder": _("选填，说明问题能让商家更快处理")}))
    photos = MultipleImageField(label=_("照片凭证"), required=False,
                                widget=MultipleImageInput(attrs={"accept": "image/*"}))

    def __init__(self, *args, kinds: list[str], lines: list[tuple[OrderLine, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, AfterSale.Kind(kind).label) for kind in kinds]  # type: ignore[attr-defined]
        self.entries = []
        for line, left in lines:
            name = f"q{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("数量"), min_value=0, max_value=left, required=False, initial=left if len(lines) == 1 else 0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={"max_value": _("最多可申请 %(limit_value)s 件。")})
            self.entries.append((line, left, name))

    def bound_entries(self) -> list:
        return [(line, left, self[name]) for line, left, name in self.entries]

    def clean_photos(self) -> list:
        photos = self.cleaned_data["photos"]
        if len(photos) > MAX_AFTER_SALE_PHOTOS:  # before any is kept
            raise forms.ValidationError(_("最多上传 %(n)s 张照片。") % {"n": MAX_AFTER_SALE_PHOTOS})
        return photos

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        cleaned["lines"] = {line.pk: cleaned[name] for line, _left, name in self.entries if cleaned.get(name)}
        if not cleaned["lines"] and not any(name in self.errors for _line, _left, name in self.entries):
            raise forms.ValidationError(_("请填写要售后的商品数量。"))
        return cleaned


class ReturnShipmentForm(forms.Form):
    """The parcel a shopper sends back for an approved return or exchange."""

    carrier_code = forms.ChoiceField(label=_("快递公司"), choices=[("", _("请选择")), *CARRIERS.items()],
                                     error_messages={"required": _("请选择快递公司。")})
    tracking_no = forms.CharField(label=_("快递单号"), max_length=40, error_messages={
        "required": _("请填写快递单号。")}, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class ProfileForm(forms.Form):
    nickname = forms.CharField(label=_("昵称"), max_length=64, error_messages={"required": _("请填写昵称。")})
    birthday = forms.DateField(label=_("生日"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               help_text=_("生日当天可获得会员生日礼，设置后不能修改。"))
    marketing_consent = forms.BooleanField(label=_("接收优惠活动消息（短信、订阅消息、邮件）"), required=False,
                                           help_text=_("可随时关闭；订单与物流通知不受影响。"))
    avatar = forms.FileField(label=_("头像"), required=False, widget=forms.ClearableFileInput(attrs={
        "accept": "image/*"}))


class ApplyForm(forms.Form):
    """The distributor application: the store's own questions (``DistributionSettings.application_fields``), each
    a text field, required where the store says so."""

    def __init__(self, *args, questions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[question["name"]] = forms.CharField(
                label=question.get("label") or question["name"], max_length=100,
                required=bool(question.get("required")), error_messages={"required": _("必填。")})
        self.questions = questions

    def answers(self) -> dict[str, str]:
        return {q["name"]: self.cleaned_data.get(q["name"], "") for q in self.questions}


class WithdrawForm(forms.Form):
    amount_fen = YuanField(label=_("提现金额（元）"), error_messages={"required": _("请填写提现金额。")})
    method = forms.ChoiceField(label=_("提现方式"), choices=[("wechat", _("微信零钱")), ("bank", _("银行卡"))],
                               initial="wechat", widget=forms.RadioSelect)
    bank_account = forms.CharField(label=_("银行卡（开户行、户名、卡号）"), max_length=200, required=False)
    # One key per withdraw page shown: a double tap or a resent form takes the money out once.
    key = forms.CharField(min_length=8, max_length=64, widget=forms.HiddenInput)
