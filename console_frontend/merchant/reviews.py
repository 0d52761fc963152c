"""The merchant's review moderation: every review by state, published or hidden with one button, answered in
place; the product's average rating follows (tenants.orders.reviews)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from console_frontend.forms import form_done, form_message, form_status
from control_plane.tenancy.requests import StoreRequest
from tenants.orders.models import Review
from tenants.orders.reviews import review_moderate, review_reply, reviews_for_moderation

from .forms import ReviewActionForm
from .roles import console_area


@console_area("orders")
@require_http_methods(["GET", "POST"])
def reviews(request: StoreRequest) -> HttpResponse:
    status = request.GET.get("status", Review.Status.PENDING)
    status = status if status in Review.Status.values else ""
    form = None
    if request.method == "POST":
        form = ReviewActionForm(request.POST)

        def act() -> Review:
            data, actor = form.cleaned_data, request.user.get_username()
            if data["action"] == "reply":
                return review_reply(review=data["review"], text=data["reply"], actor=actor)
            return review_moderate(review=data["review"], action=data["action"], actor=actor)

        if form_done(form, act):
            messages.success(request, _("已保存"))
            return redirect(request.get_full_path())
    page = Paginator(reviews_for_moderation(status=status).select_related("order_line"), 20).get_page(
        request.GET.get("page"))
    return render(request, "console_frontend/reviews.html", {
        "store": request.tenant, "nav": "orders", "status": status, "statuses": Review.Status.choices,
        "page": page, "problem": form_message(form) if form is not None else "",
        "failed": form.data.get("review") if form is not None and form.errors else ""}, status=form_status(form))
