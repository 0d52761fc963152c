"""Who is shopping on the H5 pages, and through whose link they came.

A signed-in shopper carries their member token (the shop API's, bound to this store and revoked with the
member's token version) in an HttpOnly cookie: the pages read one member row per request and no session.
A share link's ``?dc=`` (a distributor's share token) is kept in a signed cookie until the shopper is
signed in, then bound by the store's binding rules (``binding_record_visit``): at once for a signed-in
shopper, at login for the others. A member's invitation link's ``?sc=`` (their share code) is kept the same way
until the sign-in, where a shopper who has just joined becomes the sharer's referral (分享奖励).
"""

from __future__ import annotations

import functools
import logging
import secrets
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import ValidationFailed
from tenants.distribution.network import binding_record_visit, distributor_from_share_token
from tenants.marketing.sharing import share_referral_record
from tenants.members.models import Member
from tenants.members.tokens import MAX_AGE_S, member_from_token

logger = logging.getLogger(__name__)

TOKEN_COOKIE = "h5_token"
SHARE_COOKIE = "h5_dc"
SHARE_SALT = "h5.share"
SHARE_MAX_AGE_S = 60 * 60 * 24 * 7  # a link opened and not followed by a login within a week is forgotten
SHARE_SOURCES = {"link", "qr", "poster"}
INVITE_COOKIE = "h5_sc"
INVITE_SALT = "h5.invite"
DEVICE_COOKIE = "h5_device"
DEVICE_SALT = "h5.device"
DEVICE_MAX_AGE_S = 60 * 60 * 24 * 730


def h5_member(request: HttpRequest) -> Member | None:
    """The signed-in shopper, or None (read once per request)."""
    if not hasattr(request, "_h5_member"):
        token = request.COOKIES.get(TOKEN_COOKIE, "")
        request._h5_member = member_from_token(token) if token else None  # type: ignore[attr-defined]
    return request._h5_member  # type: ignore[attr-defined]


def _cookie_options(request: HttpRequest) -> dict:
    return {"httponly": True, "samesite": "Lax", "secure": request.is_secure()}


def safe_next(request: HttpRequest, default: str = "") -> str:
    """Where to go after logging in: a path of this host, never another site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default or reverse("h5-me")


def login_url(request: HttpRequest, *, next_url: str = "") -> str:
    return f"{reverse('h5-login')}?{urlencode({'next': next_url or request.get_full_path()})}"


def device_id(request: HttpRequest, response: HttpResponse | None = None) -> str:
    """This browser's id for the anti-abuse rules (one first order per device): random, kept in a signed
    cookie for two years; given to ``response`` when it is new."""
    if not hasattr(request, "_h5_device"):
        known = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT) or ""
        request._h5_device = (known or secrets.token_hex(16), not known)  # type: ignore[attr-defined]
    value, new = request._h5_device  # type: ignore[attr-defined]
    if response is not None and new:
        response.set_signed_cookie(DEVICE_COOKIE, value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE_S,
                                   **_cookie_options(request))
    return value


def h5_sign_in(request: HttpRequest, response: HttpResponse, *, member: Member, token: str) -> HttpResponse:
    """Give the browser the member's token, and bind the share link it came through, if any."""
    response.set_cookie(TOKEN_COOKIE, token, max_age=MAX_AGE_S, **_cookie_options(request))
    shared = request.get_signed_cookie(SHARE_COOKIE, default=None, salt=SHARE_SALT, max_age=SHARE_MAX_AGE_S)
    if shared:
        _bind(member, shared)
        response.delete_cookie(SHARE_COOKIE)
    invited = request.get_signed_cookie(INVITE_COOKIE, default=None, salt=INVITE_SALT, max_age=SHARE_MAX_AGE_S)
    if invited:
        share_referral_record(member=member, code=invited, device_id=device_id(request))
        response.delete_cookie(INVITE_COOKIE)
    return response


def h5_sign_out(response: HttpResponse) -> HttpResponse:
    response.delete_cookie(TOKEN_COOKIE)
    return response


def _bind(member: Member, shared: str) -> None:
    token, _sep, source = shared.partition("|")
    try:
        with transaction.atomic():
            binding_record_visit(member=member, share_token=token, source=source if source in SHARE_SOURCES
                                 else "link")
    except ValidationFailed:  # the distributor left since the link was opened: the visit binds nobody
        logger.info("h5 share link no longer binds")


def h5_page(view):
    """Every H5 page: a ``?dc=`` share token of this store is remembered (or bound at once for a signed-in
    shopper); one of another store, or forged, is refused with a notice on the page (``share_refused``)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.GET.get("dc", "")
        remember = None
        request.share_refused = False  # type: ignore[attr-defined]
        if token:
            if len(token) <= 32 and distributor_from_share_token(token) is not None:
                source = request.GET.get("src", "link")
                shared = f"{token}|{source if source in SHARE_SOURCES else 'link'}"
                member = h5_member(request)
                if member is not None:
                    _bind(member, shared)
                else:
                    remember = shared
            else:
                request.share_refused = True  # type: ignore[attr-defined]
        invite = request.GET.get("sc", "")
        response = view(request, *args, **kwargs)
        if remember:
            response.set_signed_cookie(SHARE_COOKIE, remember, salt=SHARE_SALT, max_age=SHARE_MAX_AGE_S,
                                       **_cookie_options(request))
        if invite and len(invite) <= 12 and invite.isalnum() and h5_member(request) is None:
            response.set_signed_cookie(INVITE_COOKIE, invite, salt=INVITE_SALT, max_age=SHARE_MAX_AGE_S,
                                       **_cookie_options(request))
        return response

    return wrapper


def h5_login_required(view):
    """A page for signed-in shoppers: the others are sent to log in, and come back here after."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        member = h5_member(request)
        if member is None:
            return HttpResponseRedirect(login_url(request))
        return view(request, member, *args, **kwargs)

    return h5_page(wrapper)
