"""Logging in on the H5 pages: inside WeChat's browser with the store's official account (web OAuth), anywhere
with a phone number and a text-message code; logging out; the shopper's own page."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from control_plane.tenancy.requests import StoreRequest
from core.client_ip import client_ip
from core.errors import DomainError
from tenants.distribution.selectors import distribution_settings_get, distributor_of
from tenants.loyalty.levels import member_level
from tenants.loyalty.points import points_balance
from tenants.members.models import Member
from tenants.members.phone_login import login_code_send, member_login_phone
from tenants.members.selectors import official_account_login_on
from tenants.members.services import member_login_wechat_web, wechat_web_authorize_url
from tenants.storefront.selectors import storefront_shown

from .forms import PhoneLoginForm, form_refusal
from .session import h5_login_required, h5_member, h5_page, h5_sign_in, h5_sign_out, safe_next

OAUTH_COOKIE = "h5_oauth"
OAUTH_SALT = "h5.oauth"
OAUTH_MAX_AGE_S = 600


def in_wechat(request: HttpRequest) -> bool:
    """WeChat's own browser names itself in the user agent (as WeChat's JS-SDK documentation says to check)."""
    return "MicroMessenger" in request.headers.get("User-Agent", "")


def _page(request: StoreRequest, form: PhoneLoginForm, *, status: int = 200, **context) -> HttpResponse:
    return render(request, "h5/login.html", {
        "store": request.tenant, "layout": storefront_shown(), "form": form, "next": safe_next(request),
        "wechat_login": in_wechat(request) and official_account_login_on(), "tab": "me",
        "sandbox_outbox": settings.SMS_SANDBOX_OUTBOX, "minutes": settings.SMS_CODE_TTL_S // 60, **context},
        status=status)


@require_http_methods(["GET", "POST"])
@h5_page
def login(request: StoreRequest) -> HttpResponse:
    """Inside WeChat the official account logs the shopper in without a form (unless they chose the phone);
    elsewhere the phone form: "get a code" texts one, "log in" checks it."""
    target = safe_next(request)
    if request.method == "GET":
        if h5_member(request) is not None:
            return HttpResponseRedirect(target)
        if in_wechat(request) and official_account_login_on() and not request.GET.get("phone"):
            return HttpResponseRedirect(f"{reverse('h5-login-wechat')}?{urlencode({'next': target})}")
        return _page(request, PhoneLoginForm())
    form = PhoneLoginForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        if request.POST.get("action") == "send":
            wait_s = login_code_send(phone=form.cleaned_data["phone"], client_ip=client_ip(request))
            return _page(request, form, sent=True, wait_s=wait_s)
        member, token, _is_new = member_login_phone(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"])
    except DomainError as error:
        form_refusal(form, error)
        return _page(request, form, status=error.http_status if error.http_status != 409 else 400)
    return h5_sign_in(request, HttpResponseRedirect(target), member=member, token=token)


@require_GET
@h5_page
def login_wechat(request: StoreRequest) -> HttpResponse:
    """Off to WeChat's authorisation (silent with snsapi_base), with a state this browser must bring back."""
    state = secrets.token_urlsafe(16)
    callback = request.build_absolute_uri(reverse("h5-login-wechat-done"))
    try:
        url = wechat_web_authorize_url(redirect_uri=callback, state=state)
    except DomainError as error:
        return _page(request, PhoneLoginForm(), status=400, problem=error.message)
    response = HttpResponseRedirect(url)
    response.set_signed_cookie(OAUTH_COOKIE, f"{state}|{safe_next(request)}", salt=OAUTH_SALT,
                               max_age=OAUTH_MAX_AGE_S, httponly=True, samesite="Lax", secure=request.is_secure())
    return response


@require_GET
@h5_page
def login_wechat_done(request: StoreRequest) -> HttpResponse:
    """WeChat sends the shopper back with a code and our state: a state this browser did not start (a forged
    or replayed redirect) logs nobody in; a refusal at WeChat falls back to the phone form."""
    started = request.get_signed_cookie(OAUTH_COOKIE, default="", salt=OAUTH_SALT, max_age=OAUTH_MAX_AGE_S) or ""
    state, _sep, target = started.partition("|")
    if not state or not secrets.compare_digest(state, request.GET.get("state", "")):
        return _page(request, PhoneLoginForm(), status=400, problem=_("微信登录已失效，请重新登录。"))
    if not request.GET.get("code"):
        return _page(request, PhoneLoginForm(), problem=_("你没有同意微信授权，可以用手机号登录。"))
    try:
        member, token, _is_new = member_login_wechat_web(code=request.GET["code"])
    except DomainError as error:
        return _page(request, PhoneLoginForm(), status=400, problem=error.message)
    response = h5_sign_in(request, HttpResponseRedirect(target or reverse("h5-me")), member=member, token=token)
    response.delete_cookie(OAUTH_COOKIE)
    return response


@require_POST
def logout(request: StoreRequest) -> HttpResponse:
    return h5_sign_out(HttpResponseRedirect(reverse("h5-home")))


@require_GET
@h5_login_required
def me(request: StoreRequest, member: Member) -> HttpResponse:
    return render(request, "h5/me.html", {"store": request.tenant, "layout": storefront_shown(), "member": member,
                                          "tab": "me", "distribution_on": distribution_settings_get().enabled,
                                          "is_distributor": distributor_of(member_id=member.pk) is not None,
                                          "points_balance": points_balance(member_id=member.pk),
                                          "level": member_level(member_id=member.pk)})
