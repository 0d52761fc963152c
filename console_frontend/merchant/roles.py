"""Which console areas each staff role may use, enforced on the server for every page and action."""

from __future__ import annotations

from functools import wraps

from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from control_plane.tenancy.requests import StoreRequest
from tenants.staff.models import StaffMember
from tenants.staff.selectors import staff_member_for

R = StaffMember.Role
AREAS: dict[str, frozenset[str]] = {
    "dashboard": frozenset(R.values),
    "storefront": frozenset({R.OWNER, R.ADMIN, R.OPERATIONS}),
    "catalog": frozenset({R.OWNER, R.ADMIN, R.OPERATIONS}),
    "orders": frozenset({R.OWNER, R.ADMIN, R.OPERATIONS, R.CUSTOMER_SERVICE}),
    "distribution": frozenset({R.OWNER, R.ADMIN, R.OPERATIONS}),
    "marketing": frozenset({R.OWNER, R.ADMIN, R.OPERATIONS}),
    "members": frozenset({R.OWNER, R.ADMIN, R.OPERATIONS, R.CUSTOMER_SERVICE}),
    "finance": frozenset({R.OWNER, R.ADMIN, R.FINANCE}),
    "billing": frozenset({R.OWNER, R.ADMIN, R.FINANCE}),
    "staff": frozenset({R.OWNER, R.ADMIN}),
    "settings": frozenset({R.OWNER, R.ADMIN}),
}
AREA_LABELS = {"dashboard": _("概况"), "catalog": _("商品"), "orders": _("订单"), "distribution": _("分销"),
               "marketing": _("营销"), "members": _("会员"),
               "finance": _("提现与结算"), "storefront": _("店铺装修"), "billing": _("套餐与账单"), "staff": _("员工"),
               "settings": _("支付与运费")}
# What each role may open, in words, for the staff page.
ROLE_AREAS = {role: [AREA_LABELS[area] for area, roles in AREAS.items() if role in roles] for role in R.values}


IMPERSONATOR = "impersonator"  # session key: the operator viewing this console read-only


def console_viewer(request: StoreRequest) -> StaffMember | None:
    """Who is using the console: a staff member of this store, or an operator on a read-only support visit
    (seen as an unsaved owner, so every page opens, and never allowed to change anything)."""
    staff = staff_member_for(user=request.user)
    if staff is None and request.session.get(IMPERSONATOR):
        return StaffMember(role=R.OWNER)
    return staff


def read_only_refusal(request: StoreRequest) -> HttpResponseForbidden | None:
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.session.get(IMPERSONATOR):
        return None
    html = render_to_string("console_frontend/forbidden.html", {
        "store": request.tenant, "nav": "", "read_only": True}, request=request)
    return HttpResponseForbidden(html)


def console_area(area: str):
    """Logged-in staff of this store whose role covers ``area``; others get a 403 page. An operator's
    read-only visit sees every area and may change nothing."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: StoreRequest, *args, **kwargs):
            staff = console_viewer(request)
            if staff is None:
                return redirect(f"{reverse('console-login')}?next={request.get_full_path()}")
            if refusal := read_only_refusal(request):
                return refusal
            if staff.role not in AREAS[area]:
                html = render_to_string("console_frontend/forbidden.html", {"store": request.tenant, "staff": staff,
                                                                             "nav": area}, request=request)
                return HttpResponseForbidden(html)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
