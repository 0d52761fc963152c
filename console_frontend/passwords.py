"""Password logins, counted by django-axes (failures per account and per client IP; lockout after the limit,
for the cool-off). Every password form of the consoles signs in through ``password_authenticate``."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.auth.models import AbstractUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


class LockedOut(Exception):
    """Too many failed logins for this account or from this address: refused until the cool-off ends."""

    def __init__(self) -> None:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        super().__init__(_("登录失败次数过多，已暂时锁定，请 %(minutes)s 分钟后再试；如需立即解锁，请联系平台运营。")
                         % {"minutes": minutes})
        self.message = str(self)


def password_authenticate(request: HttpRequest, *, username: str, password: str):
    """The user, or None for a wrong login; raises LockedOut while the account or the address is locked (the
    right password included: a guesser learns nothing during the lockout)."""
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut
    return user


def login_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """What axes counts failures against: the login as the views normalise it."""
    if credentials and credentials.get("username"):
        return str(credentials["username"])
    return request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "").strip().lower()


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """Axes' middleware answer to a lockout: the form's own page when it already said so (status 429), else
    the message alone."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    return HttpResponse(LockedOut().message, status=429, content_type="text/plain; charset=utf-8")


class LoginForm(forms.Form):
    login = forms.CharField(max_length=150, required=False)
    password = forms.CharField(strip=False, required=False)
    next = forms.CharField(required=False)


def password_login_page(request: HttpRequest, *, template: str, home: str, accepts: Callable[[AbstractUser], bool],
                        lowercase: bool, context: dict | None = None) -> HttpResponse:
    """The sign-in page of either console: a wrong login is a 400, a locked one a 429 that says so; ``accepts``
    says whether the authenticated user may use this console; ``next`` must stay on this host."""
    form = LoginForm(request.POST if request.method == "POST" else request.GET)
    form.is_valid()  # every field is optional text: it always parses
    next_url = form.cleaned_data.get("next") or reverse(home)
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse(home)
    error, status = "", 200
    if request.method == "POST":
        login_name = form.cleaned_data["login"].strip()
        try:
            user = password_authenticate(request, username=login_name.lower() if lowercase else login_name,
                                         password=form.cleaned_data["password"])
        except LockedOut as locked:
            error, status = locked.message, 429
        else:
            if user is not None and accepts(user):
                login(request, user)
                return HttpResponseRedirect(next_url)
            error, status = _("账号或密码不正确。"), 400
    return render(request, template, {"error": error, "next": next_url, **(context or {})}, status=status)
