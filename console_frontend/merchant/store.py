"""Merchant console: store settings — the store's name, WeChat Pay credentials (secrets write-only, shown
masked) and shipping templates."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from console_frontend.forms import form_page, form_status, form_submit
from control_plane.tenancy.services import tenant_rename
from core.errors import DomainError
from core.text import ascii_digits
from tenants.distribution.selectors import distribution_settings_get
from tenants.orders.models import ShippingTemplate
from tenants.orders.selectors import order_settings_get
from tenants.orders.services import ORDER_RULE_RANGES, order_settings_update
from tenants.orders.shipping import shipping_template_save
from tenants.payments.models import WechatPayMerchant
from tenants.payments.services import wechatpay_configure

from .forms import ShippingTemplateForm
from .roles import console_area

PAY_FIELDS = ("appid", "mchid", "cert_serial_no", "platform_public_key_id", "platform_public_key_pem")


@console_area("settings")
@require_http_methods(["GET", "POST"])
def store_settings(request: HttpRequest) -> HttpResponse:
    merchant = WechatPayMerchant.objects.filter(singleton=1).first()
    pay_form = {"appid": merchant.appid, "mchid": merchant.mchid, "cert_serial_no": merchant.merchant_cert_serial_no,
                "platform_public_key_id": merchant.platform_public_key_id,
                "platform_public_key_pem": merchant.platform_public_key} if merchant else {}
    editing = None
    if ascii_digits(request.GET.get("template", "")):
        editing = get_object_or_404(ShippingTemplate, pk=int(request.GET["template"]))
    shipping_initial = ShippingTemplateForm.initial_from(editing)
    shipping_form = shipping_initial
    errors: dict[str, list[str]] = {}
    message, section = "", ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "store":
                section = "store"
                tenant_rename(tenant=request.tenant, name=request.POST.get("store_name", ""))
                return redirect(reverse("console-store-settings") + "?saved=store")
            if action == "wechatpay":
                section = "pay"
                pay_form = {name: request.POST.get(name, "") for name in PAY_FIELDS}
                wechatpay_configure(
                    appid=pay_form["appid"].strip(), mchid=pay_form["mchid"].strip(),
                    cert_serial_no=pay_form["cert_serial_no"].strip(),
                    platform_public_key_id=pay_form["platform_public_key_id"].strip(),
                    platform_public_key_pem=pay_form["platform_public_key_pem"].strip(),
                    private_key_pem=request.POST.get("private_key_pem", ""),
                    apiv3_key=request.POST.get("apiv3_key", ""), sandbox=bool(merchant and merchant.sandbox))
                return redirect(reverse("console-store-settings") + "?saved=pay")
            if action == "shipping":
                section = "shipping"
                form = ShippingTemplateForm(request.POST, initial=shipping_initial)
                if form_submit(form, lambda: shipping_template_save(template=editing, values=form.values())):
                    return redirect(reverse("console-store-settings") + "?saved=shipping#shipping")
                page = form_page(form, shipping_initial)
                shipping_form, errors, message = page["form"], page["errors"], page["message"]
        except DomainError as exc:
            errors, message = exc.fields, exc.message
    return render(request, "console_frontend/store_settings.html", {
        "store": request.tenant, "nav": "settings", "merchant": merchant, "pay_form": pay_form,
        "templates": ShippingTemplate.objects.order_by("-is_default", "pk"), "editing": editing,
        "shipping_form": shipping_form, "modes": ShippingTemplate.Mode.choices, "errors": errors,
        "message": message, "section": section, "saved": request.GET.get("saved", "")},
        status=400 if message else 200)


def _days(label, help_text: str = "", *, name: str) -> forms.IntegerField:
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


@console_area("settings")
@require_http_methods(["GET", "POST"])
def order_rules(request: HttpRequest) -> HttpResponse:
    """Order and after-sale time limits; every limit is acted on by the store's worker."""
    rules = order_settings_get()
    form = OrderRulesForm(request.POST or None, initial={name: getattr(rules, name) for name in ORDER_RULE_RANGES})
    if form.is_bound and form_submit(form, lambda: order_settings_update(**form.cleaned_data)):
        return redirect(f"{reverse('console-order-rules')}?saved=1")
    return render(request, "console_frontend/order_rules.html", {
        "store": request.tenant, "nav": "settings", "form": form, "saved": request.GET.get("saved") == "1",
        "freeze_days": distribution_settings_get().freeze_days}, status=form_status(form))
