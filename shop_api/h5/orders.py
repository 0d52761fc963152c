"""The shopper's orders on the H5 pages: the list by state, one order with its parcels' tracking timeline, and
what the shopper may do to it now (pay, cancel, confirm receipt), read from the orders' transition table;
reviews; after-sales — asked for with photos, followed, the return parcel sent, withdrawn."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from control_plane.tenancy.requests import StoreRequest
from core.errors import DomainError
from tenants.marketing.selectors import group_team_of_order
from tenants.members.models import Member
from tenants.orders.aftersales import (
    after_sale_cancel,
    after_sale_options,
    after_sale_photos_store,
    after_sale_request,
    after_sale_return_ship,
)
from tenants.orders.models import CARRIERS, AfterSale, Order
from tenants.orders.reviews import lines_to_review, review_create, review_photos_store
from tenants.orders.selectors import order_of_member, orders_for_member
from tenants.orders.services import order_cancel, order_confirm_receipt
from tenants.orders.transitions import AFTER_SALE, ORDER
from tenants.storefront.selectors import storefront_shown

from .forms import AfterSaleForm, ReturnShipmentForm, ReviewForm, form_refusal
from .pages import render_page
from .session import h5_login_required

S = Order.Status
# The list's tabs, as shoppers of every Chinese mall know them.
TABS = {
    "all": (gettext_lazy("全部"), None),
    "unpaid": (gettext_lazy("待付款"), [S.PENDING_PAYMENT]),
    "to_ship": (gettext_lazy("待发货"), [S.PAID]),
    "shipped": (gettext_lazy("待收货"), [S.SHIPPED]),
    "done": (gettext_lazy("已完成"), [S.RECEIVED, S.COMPLETED]),
}
PAGE_SIZE = 10


def _actor(member: Member) -> str:
    return f"member:{member.pk}"


@require_GET
@h5_login_required
def orders(request: StoreRequest, member: Member) -> HttpResponse:
    tab = request.GET.get("tab", "all") if request.GET.get("tab") in TABS else "all"
    statuses = TABS[tab][1]
    found = orders_for_member(member=member)
    if statuses:
        found = found.filter(status__in=statuses)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "h5/orders.html", {
        "store": request.tenant, "layout": storefront_shown(), "tabs": [(key, label) for key, (label, _s) in
                                                                        TABS.items()],
        "tab": "me", "current": tab, "page": page})


@require_GET
@h5_login_required
def order(request: StoreRequest, member: Member, number: str) -> HttpResponse:
    found = order_of_member(member=member, number=number)
    if found is None:
        raise Http404("No such order")
    parcels = [{"shipment": shipment, "carrier": CARRIERS.get(shipment.carrier_code, shipment.carrier_code),
                "events": list(reversed(shipment.events.all()))} for shipment in found.shipments.all()]
    return render(request, "h5/order.html", {
        "store": request.tenant, "layout": storefront_shown(), "order": found, "parcels": parcels, "tab": "me",
        "can": ORDER.available(found.status), "to_review": bool(lines_to_review(order=found)),
        "after_sales": list(found.after_sales.all()), "after_sale_open": bool(after_sale_options(order=found)[1]),
        "group_team": group_team_of_order(order_id=found.pk) if found.pricing.get("promotions", {}).get(
            "group_buy") else None})


def _act(request: StoreRequest, member: Member, number: str, action, *, done: str) -> HttpResponse:
    found = order_of_member(member=member, number=number)
    if found is None:
        raise Http404("No such order")
    try:
        action(order=found, actor=_actor(member))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(reverse("h5-order", kwargs={"number": number}))


@require_POST
@h5_login_required
def order_cancel_view(request: StoreRequest, member: Member, number: str) -> HttpResponse:
    """An unpaid order cancelled by the shopper (its stock goes back)."""
    return _act(request, member, number, functools.partial(order_cancel, reason=_("买家取消")), done=_("订单已取消"))


@require_POST
@h5_login_required
def order_receipt_view(request: StoreRequest, member: Member, number: str) -> HttpResponse:
    return _act(request, member, number, order_confirm_receipt, done=_("已确认收货"))


@require_http_methods(["GET", "POST"])
@h5_login_required
def order_review(request: StoreRequest, member: Member, number: str) -> HttpResponse:
    """Review the lines of a received order, one form each; the photos are checked and kept first."""
    found = order_of_member(member=member, number=number)
    if found is None:
        raise Http404("No such order")
    lines = lines_to_review(order=found)
    if not lines:
        return HttpResponseRedirect(reverse("h5-order", kwargs={"number": number}))
    forms_by_line = {line.pk: ReviewForm(initial={"line": line.pk, "rating": 5}, prefix=f"l{line.pk}")
                     for line in lines}
    if request.method == "POST":
        posted = next((line.pk for line in lines if f"l{line.pk}-line" in request.POST), None)
        if posted is not None:
            form = ReviewForm(request.POST, request.FILES, prefix=f"l{posted}")
            forms_by_line[posted] = form
            if form.is_valid() and form.cleaned_data["line"] == posted:
                try:
                    photos = review_photos_store(uploads=form.cleaned_data["photos"])
                    review_create(member=member, order_line_id=posted, rating=form.cleaned_data["rating"],
                                  text=form.cleaned_data["text"], photos=photos)
                except DomainError as error:
                    form_refusal(form, error)
                else:
                    messages.success(request, _("感谢你的评价！"))
                    return HttpResponseRedirect(reverse("h5-order-review", kwargs={"number": number}))
    status = 400 if any(form.is_bound and form.errors for form in forms_by_line.values()) else 200
    return render(request, "h5/review_form.html", {
        "store": request.tenant, "layout": storefront_shown(), "order": found, "tab": "me",
        "entries": [(line, forms_by_line[line.pk]) for line in lines]}, status=status)



@require_http_methods(["GET", "POST"])
@h5_login_required
def order_after_sale(request: StoreRequest, member: Member, number: str) -> HttpResponse:
    """Ask for a refund, a return or an exchange of units of the order's lines, with photos (checked and kept
    only once the form is valid)."""
    found = order_of_member(member=member, number=number)
    if found is None:
        raise Http404("No such order")
    kinds, left = after_sale_options(order=found)
    if not kinds or not left:
        messages.error(request, _("这个订单现在不能申请售后。"))
        return HttpResponseRedirect(reverse("h5-order", kwargs={"number": number}))
    lines = [(line, left[line.pk]) for line in found.lines.all() if line.pk in left]
    form = AfterSaleForm(request.POST or None, request.FILES or None, kinds=kinds, lines=lines)
    if form.is_bound and form.is_valid():
        try:
            photos = after_sale_photos_store(uploads=form.cleaned_data["photos"])
            made = after_sale_request(order=found, kind=form.cleaned_data["kind"], lines=form.cleaned_data["lines"],
                                      reason=str(form.cleaned_data["reason"]),
                                      description=form.cleaned_data["description"], photos=photos,
                                      actor=_actor(member))
        except DomainError as error:
            form_refusal(form, error)
        else:
            messages.success(request, _("售后申请已提交，请等待商家处理。"))
            return HttpResponseRedirect(reverse("h5-after-sale", kwargs={"number": made.number}))
    return render_page(request, "h5/after_sale_form.html", tab="me",
                       status=400 if form.is_bound and form.errors else 200, order=found, form=form)


def _my_after_sale(member: Member, number: str) -> AfterSale:
    found = (AfterSale.objects.filter(order__member=member, number=number).select_related("order")
             .prefetch_related("lines__order_line").first())
    if found is None:
        raise Http404("No such after-sale")
    return found


@require_GET
@h5_login_required
def after_sales(request: StoreRequest, member: Member) -> HttpResponse:
    found = (AfterSale.objects.filter(order__member=member).select_related("order")
             .prefetch_related("lines__order_line"))
    return render_page(request, "h5/after_sales.html", tab="me",
                       page=Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")))


@require_http_methods(["GET", "POST"])
@h5_login_required
def after_sale(request: StoreRequest, member: Member, number: str) -> HttpResponse:
    """One request: where it stands and what comes next; the return parcel's form while one is awaited."""
    found = _my_after_sale(member, number)
    can = AFTER_SALE.available(found.status)
    shipment = ReturnShipmentForm(request.POST or None) if "return_ship" in can else None
    if request.method == "POST" and shipment is not None and shipment.is_valid():
        try:
            after_sale_return_ship(after_sale=found, **shipment.cleaned_data)
        except DomainError as error:
            form_refusal(shipment, error)
        else:
            messages.success(request, _("退货物流已提交，商家收到后会尽快处理。"))
            return HttpResponseRedirect(reverse("h5-after-sale", kwargs={"number": number}))
    return render_page(request, "h5/after_sale.html", tab="me",
                       status=400 if shipment is not None and shipment.errors else 200,
                       after_sale=found, can=can, shipment=shipment,
                       carriers={"return": CARRIERS.get(found.return_carrier_code, found.return_carrier_code),
                                 "exchange": CARRIERS.get(found.exchange_carrier_code, found.exchange_carrier_code)})


@require_POST
@h5_login_required
def after_sale_cancel_view(request: StoreRequest, member: Member, number: str) -> HttpResponse:
    found = _my_after_sale(member, number)
    try:
        after_sale_cancel(after_sale=found, actor=_actor(member))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("售后申请已撤销。"))
    return HttpResponseRedirect(reverse("h5-after-sale", kwargs={"number": number}))
