"""The merchant's coupons: every coupon with what was claimed and used, a new one from a form that says what is
wrong field by field, and pausing, resuming or ending one (tenants.marketing)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from console_frontend.forms import form_done, form_message, form_status
from control_plane.tenancy.requests import StoreRequest
from tenants.marketing.selectors import coupons_for_console
from tenants.marketing.services import coupon_act, coupon_create, coupon_summary

from .forms import CouponActionForm, CouponForm
from .roles import console_area


@console_area("marketing")
@require_http_methods(["GET", "POST"])
def coupons(request: StoreRequest) -> HttpResponse:
    form, action = CouponForm(), None
    if request.method == "POST" and "action" in request.POST:
        action = CouponActionForm(request.POST)
        if form_done(action, lambda: coupon_act(coupon=action.cleaned_data["coupon"],
                                                action=action.cleaned_data["action"])):
            messages.success(request, _("已保存"))
            return redirect(request.get_full_path())
    elif request.method == "POST":
        form = CouponForm(request.POST)
        if form_done(form, lambda: coupon_create(values=form.values())):
            messages.success(request, _("优惠券已创建"))
            return redirect("console-coupons")
    page = Paginator(coupons_for_console(), 20).get_page(request.GET.get("page"))
    return render(request, "console_frontend/coupons.html", {
        "store": request.tenant, "nav": "marketing", "form": form, "page": page,
        "rows": [(c, coupon_summary(c)) for c in page],
        "problem": form_message(action) if action is not None else ""},
        status=form_status(action) if action is not None else form_status(form if form.is_bound else None))
