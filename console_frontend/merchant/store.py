"""Merchant console: store settings — the store's name, WeChat Pay credentials (secrets write-only, shown
masked), shipping templates, order rules, and the store's WeChat apps."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from console_frontend.forms import form_done, form_message, form_page, form_status, posted_action
from control_plane.tenancy.requests import StoreRequest
from control_plane.tenancy.services import tenant_rename
from core.text import ascii_digits
from tenants.distribution.selectors import distribution_settings_get
from tenants.members.models import MiniProgram, OfficialAccount
from tenants.members.services import miniprogram_configure, official_account_configure, wechat_connection_test
from tenants.orders.models import ShippingTemplate
from tenants.orders.selectors import order_settings_get
from tenants.orders.services import ORDER_RULE_RANGES, order_settings_update
from tenants.orders.shipping import shipping_template_save
from tenants.payments.models import WechatPayMerchant
from tenants.payments.services import wechatpay_configure

from .forms import (
    OfficialAccountForm,
    OrderRulesForm,
    ShippingTemplateForm,
    StoreNameForm,
    WeChatAppForm,
    WechatPayForm,
)
from .roles import console_area


@console_area("settings")
@require_http_methods(["GET", "POST"])
def store_settings(request: StoreRequest) -> HttpResponse:
    merchant = WechatPayMerchant.objects.filter(singleton=1).first()
    pay_form = {"appid": merchant.appid, "mchid": merchant.mchid, "cert_serial_no": merchant.merchant_cert_serial_no,
                "platform_public_key_id": merchant.platform_public_key_id,
                "platform_public_key_pem": merchant.platform_public_key} if merchant else {}
    editing = None
    if ascii_digits(request.GET.get("template", "")):
        editing = get_object_or_404(ShippingTemplate, pk=int(request.GET["template"]))
    shipping_initial = ShippingTemplateForm.initial_from(editing)
    action = posted_action(request)
    # One form per section of the page; only the one that was posted is bound.
    pay = WechatPayForm(request.POST if action == "wechatpay" else None, initial=pay_form)
    forms_by_action = {
        "store": StoreNameForm(request.POST if action == "store" else None), "wechatpay": pay,
        "shipping": ShippingTemplateForm(request.POST if action == "shipping" else None, initial=shipping_initial),
    }
    saves = {
        "store": lambda form: tenant_rename(tenant=request.tenant, name=form.cleaned_data["store_name"]),
        "wechatpay": lambda form: wechatpay_configure(**form.cleaned_data,
                                                      sandbox=bool(merchant and merchant.sandbox)),
        "shipping": lambda form: shipping_template_save(template=editing, values=form.values()),
    }
    saved_as = {"store": "?saved=store", "wechatpay": "?saved=pay", "shipping": "?saved=shipping#shipping"}
    posted = forms_by_action.get(action)
    if posted is not None and form_done(posted, lambda: saves[action](posted)):
        return redirect(reverse("console-store-settings") + saved_as[action])
    page = form_page(posted, {}) if posted is not None else {"errors": {}, "message": ""}
    shipping = forms_by_action["shipping"]
    return render(request, "console_frontend/store_settings.html", {
        "store": request.tenant, "nav": "settings", "merchant": merchant,
        "pay_form": pay.shown(pay_form),
        "templates": ShippingTemplate.objects.order_by("-is_default", "pk"), "editing": editing,
        "shipping_form": shipping.data if shipping.is_bound else shipping_initial,
        "modes": ShippingTemplate.Mode.choices, "errors": page["errors"], "message": page["message"],
        "section": {"store": "store", "wechatpay": "pay", "shipping": "shipping"}.get(action, ""),
        "saved": request.GET.get("saved", "")}, status=form_status(posted) if posted is not None else 200)


@console_area("settings")
@require_http_methods(["GET", "POST"])
def order_rules(request: StoreRequest) -> HttpResponse:
    """Order and after-sale time limits; every limit is acted on by the store's worker."""
    rules = order_settings_get()
    form = OrderRulesForm(request.POST or None, initial={name: getattr(rules, name) for name in
                                                         [*ORDER_RULE_RANGES, "reviews_need_approval"]})
    if form_done(form, lambda: order_settings_update(**form.cleaned_data)):
        return redirect(f"{reverse('console-order-rules')}?saved=1")
    return render(request, "console_frontend/order_rules.html", {
        "store": request.tenant, "nav": "settings", "form": form, "saved": request.GET.get("saved") == "1",
        "freeze_days": distribution_settings_get().freeze_days}, status=form_status(form))




@console_area("settings")
@require_http_methods(["GET", "POST"])
def wechat_settings(request: StoreRequest) -> HttpResponse:
    """The store's WeChat apps: the mini-program (shoppers' logins and poster codes) and the official account
    (logins inside WeChat's browser), secrets write-only, each with a connection test."""
    mini = MiniProgram.objects.filter(singleton=1).first()
    official = OfficialAccount.objects.filter(singleton=1).first()
    stored: dict[str, MiniProgram | OfficialAccount | None] = {"miniprogram": mini, "official_account": official}
    verb, _sep, kind = posted_action(request).partition("-")  # save-miniprogram, test-official_account…
    forms_by_kind = {
        "miniprogram": WeChatAppForm(request.POST if kind == "miniprogram" and verb == "save" else None,
                                     initial={"appid": mini.appid if mini else ""}),
        "official_account": OfficialAccountForm(
            request.POST if kind == "official_account" and verb == "save" else None,
            initial={"appid": official.appid, "ask_userinfo": official.ask_userinfo} if official else {}),
    }
    saves = {
        "miniprogram": lambda data: miniprogram_configure(appid=data["appid"], secret=data["secret"],
                                                          sandbox=_sandbox(mini)),
        "official_account": lambda data: official_account_configure(
            appid=data["appid"], secret=data["secret"], ask_userinfo=data["ask_userinfo"],
            sandbox=_sandbox(official)),
    }
    posted: forms.Form | None = None
    app = stored.get(kind)
    if kind in saves and verb == "save":
        posted = forms_by_kind[kind]
        if form_done(posted, lambda: saves[kind](forms_by_kind[kind].cleaned_data)):
            return redirect(f"{reverse('console-wechat')}?saved={kind}#{kind}")
    elif app is not None and verb == "test":
        posted = forms.Form(request.POST)
        if form_done(posted, lambda: wechat_connection_test(app=app)):
            return redirect(f"{reverse('console-wechat')}?tested={kind}#{kind}")
    return render(request, "console_frontend/wechat_settings.html", {
        "store": request.tenant, "nav": "settings", "stored": stored, "forms": forms_by_kind, "posted": kind,
        "message": form_message(posted) if posted is not None and posted.errors else "",
        "saved": request.GET.get("saved", ""), "tested": request.GET.get("tested", "")},
        status=form_status(posted))


def _sandbox(app: MiniProgram | OfficialAccount | None) -> bool:
    """An app keeps the mode it was set up in (the demo's are the sandbox's); a new one is WeChat's own."""
    return bool(app and app.sandbox)
