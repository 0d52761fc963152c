"""Password logins, counted by django-axes (failures per account and per client IP; lockout after the limit,
for the cool-off). Every password form of the consoles signs in through ``password_authenticate``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
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
