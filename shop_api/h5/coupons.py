"""Coupons on the H5 pages: the coupon centre (claim in one tap), the member's own by state, redeeming a code."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from control_plane.tenancy.requests import StoreRequest
from core.errors import DomainError
from tenants.marketing.selectors import coupons_claimable, member_coupons
from tenants.marketing.services import coupon_claim, coupon_code_redeem, coupon_summary
from tenants.members.models import Member

from .pages import render_page
from .session import h5_login_required, h5_member, h5_page, safe_next

STATES = {"usable": gettext_lazy("可使用"), "used": gettext_lazy("已使用"), "expired": gettext_lazy("已过期")}
PAGE_SIZE = 20


@require_GET
@h5_page
def centre(request: StoreRequest) -> HttpResponse:
    member = h5_member(request)
    page = Paginator(coupons_claimable(member=member), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "h5/coupons.html", tab="me", page=page, member=member,
                       rows=[(c, coupon_summary(c)) for c in page])


@require_POST
@h5_login_required
def claim(request: StoreRequest, member: Member, coupon_id: int) -> HttpResponse:
    try:
        coupon_claim(member=member, coupon_id=coupon_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("领取成功，下单时自动使用最优惠的一张。"))
    return HttpResponseRedirect(safe_next(request, reverse("h5-coupons")))


@require_GET
@h5_login_required
def mine(request: StoreRequest, member: Member) -> HttpResponse:
    state = str(request.GET.get("state", ""))
    state = state if state in STATES else "usable"
    page = Paginator(member_coupons(member=member, state=state), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "h5/my_coupons.html", tab="me", page=page, state=state, states=STATES.items(),
                       rows=[(h, coupon_summary(h.coupon)) for h in page])


@require_POST
@h5_login_required
def redeem(request: StoreRequest, member: Member) -> HttpResponse:
    """A redemption code typed on 我的优惠券: its coupon joins the member's, or the page says why not."""
    try:
        coupon_code_redeem(member=member, code=str(request.POST.get("code", ""))[:32])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("兑换成功，下单时自动使用最优惠的一张。"))
    return HttpResponseRedirect(reverse("h5-my-coupons"))
