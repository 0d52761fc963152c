"""Merchant console: orders (list, detail with timeline, shipping) and after-sales."""

from __future__ import annotations

from django import forms
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from console_frontend.excel import xlsx_response
from console_frontend.forms import form_done, form_message, form_page, form_status, posted_action
from control_plane.tenancy.requests import StoreRequest
from core.money import format_fen
from tenants.distribution.models import Distributor
from tenants.orders.aftersales import (
    after_sale_approve,
    after_sale_exchange_ship,
    after_sale_reject,
    after_sale_return_received,
    merchant_refund,
)
from tenants.orders.exports import export_state, order_export_start
from tenants.orders.filters import MerchantOrderFilter
from tenants.orders.models import CARRIERS, AfterSale, Order
from tenants.orders.services import order_ship
from tenants.orders.transitions import AFTER_SALE, ORDER

from .forms import AfterSaleActionForm, RefundForm, ShipForm
from .roles import console_area


def _filtered_orders(request: StoreRequest) -> tuple[MerchantOrderFilter, dict]:
    """The order list's filters; a distributor is given by its code and looked up here."""
    data = request.GET.copy()
    code = data.get("distributor_code", "").strip().upper()
    data.pop("distributor", None)
    if code:
        distributor = Distributor.objects.filter(code=code).values_list("pk", flat=True).first()
        data["distributor"] = str(distributor or 0)
    orders = MerchantOrderFilter(data, queryset=Order.objects.all().order_by("-created_at"))
    values = {name: request.GET.get(name, "") for name in ("q", "status", "placed_from", "placed_to", "payment")}
    return orders, {**values, "distributor_code": code}


@console_area("orders")
@require_GET
def order_list(request: StoreRequest) -> HttpResponse:
    orders, values = _filtered_orders(request)
    valid = orders.is_valid()
    page = Paginator(orders.qs if valid else Order.objects.none(), 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console_frontend/orders.html", {
        "store": request.tenant, "nav": "orders", "page": page, "values": values, "errors": orders.errors,
        "statuses": Order.Status.choices, "payments": MerchantOrderFilter.PAYMENT, "query": query.urlencode(),
    }, status=200 if valid else 400)


@console_area("orders")
@require_POST
def order_export(request: StoreRequest) -> HttpResponse:
    """Start an export of the filtered orders in the background and follow its progress."""
    orders, _values = _filtered_orders(request)
    if not orders.is_valid():
        return redirect(f"{reverse('console-orders')}?{request.GET.urlencode()}")
    job_id = order_export_start(filters=orders.data.dict(), actor=request.user.get_username())
    return redirect(reverse("console-export", kwargs={"job_id": job_id}))


@console_area("orders")
@require_GET
def export_progress(request: StoreRequest, job_id: str) -> HttpResponse:
    """The export's progress bar (the page polls its own fragment until the file is ready)."""
    state = export_state(job_id)
    if state is None:
        raise Http404("No such export")
    percent = 100 if state["status"] == "done" else (state["done"] * 100 // state["total"] if state["total"] else 0)
    template = "console_frontend/_export_progress.html" if request.headers.get("HX-Request") else \
        "console_frontend/export.html"
    return render(request, template, {"store": request.tenant, "nav": "orders", "job_id": job_id, "state": state,
                                      "percent": percent})


@console_area("orders")
@require_GET
def export_download(request: StoreRequest, job_id: str) -> FileResponse:
    """The finished file, to this store's staff only (it holds addresses and phone numbers)."""
    state = export_state(job_id)
    if state is None or state.get("status") != "done":
        raise Http404("No such export")
    response = FileResponse(default_storage.open(state["file"], "rb"), as_attachment=True,
                            filename=f"orders-{timezone.localdate():%Y%m%d}.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response


def _order_action(request: StoreRequest, order: Order, action: str) -> forms.Form | None:
    """The order page's forms: ship, refund, or act on one of its after-sales. The posted form (holding the
    service's refusal, if any), or None for an action the page does not have."""
    actor = request.user.get_username()
    if action == "ship":
        ship = ShipForm(request.POST, order=order)
        form_done(ship, lambda: order_ship(order=order, carrier_code=ship.cleaned_data["carrier_code"],
                                             tracking_no=ship.cleaned_data["tracking_no"], actor=actor,
                                             lines=ship.cleaned_data["lines"]))
        return ship
    if action == "refund":
        refund = RefundForm(request.POST, order=order)
        form_done(refund, lambda: merchant_refund(order=order, lines=refund.cleaned_data["lines"] or {},
                                                    reason=refund.cleaned_data["refund_reason"], actor=actor))
        return refund
    if action in AFTER_SALE_ACTIONS:
        act = AfterSaleActionForm(request.POST, order=order)
        form_done(act, lambda: AFTER_SALE_ACTIONS[action](act.cleaned_data["after_sale_id"], act.cleaned_data,
                                                            actor))
        return act
    return None


AFTER_SALE_ACTIONS = {
    "approve": lambda after_sale, _data, actor: after_sale_approve(after_sale=after_sale, actor=actor),
    "reject": lambda after_sale, data, actor: after_sale_reject(after_sale=after_sale, reason=data["reason"],
                                                                actor=actor),
    "received": lambda after_sale, _data, actor: after_sale_return_received(after_sale=after_sale, actor=actor),
    "exchange_ship": lambda after_sale, data, actor: after_sale_exchange_ship(
        after_sale=after_sale, carrier_code=data["carrier_code"], tracking_no=data["tracking_no"], actor=actor),
}


@console_area("orders")
@require_http_methods(["GET", "POST"])
def order_detail(request: StoreRequest, number: str) -> HttpResponse:
    order = get_object_or_404(Order.objects.prefetch_related("lines", "events", "shipments__events"), number=number)
    action = posted_action(request)
    posted = _order_action(request, order, action) if action else None
    if posted is not None and not posted.errors:
        return redirect(reverse("console-order", kwargs={"number": order.number}))
    if request.method == "POST" and posted is None:
        posted = forms.Form()
        posted.add_error(None, _("未知操作"))
    # Each after-sale with the buttons it offers: what its transitions table allows now.
    after_sales = [(after_sale, AFTER_SALE.available(after_sale.status))
                   for after_sale in order.after_sales.prefetch_related("lines__order_line")]
    page = form_page(posted, {}) if posted is not None else {"errors": {}, "message": ""}
    if action not in {"ship", "refund"} and posted is not None:  # a row's buttons: its errors said on top
        page["message"] = form_message(posted)
    return render(request, "console_frontend/order_detail.html", {
        "store": request.tenant, "nav": "orders", "order": order, "errors": page["errors"], "posted": action,
        "message": page["message"], "after_sales": after_sales, "carriers": CARRIERS.items(),
        "can_ship": ORDER.allows("ship", order.status), "can_refund": ORDER.allows("merchant_refund", order.status),
    }, status=form_status(posted))


def _after_sales(request: StoreRequest):
    after_sales = AfterSale.objects.select_related("order").order_by("-created_at")
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    if status in AfterSale.Status.values:
        after_sales = after_sales.filter(status=status)
    if kind in AfterSale.Kind.values:
        after_sales = after_sales.filter(kind=kind)
    return after_sales, status, kind


@console_area("orders")
@require_GET
def after_sale_list(request: StoreRequest) -> HttpResponse:
    """Every after-sale request of the store, by state and kind; each links to its order to handle it."""
    after_sales, status, kind = _after_sales(request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console_frontend/after_sales.html", {
        "store": request.tenant, "nav": "orders", "status": status, "kind": kind, "query": query.urlencode(),
        "statuses": AfterSale.Status.choices, "kinds": AfterSale.Kind.choices,
        "page": Paginator(after_sales, 20).get_page(request.GET.get("page"))})


@console_area("orders")
@require_GET
def after_sale_export(request: StoreRequest) -> HttpResponse:
    after_sales, _status, _kind = _after_sales(request)
    rows = ([a.number, a.order.number, a.get_kind_display(), a.get_status_display(), a.reason, format_fen(a.refund_fen),
             a.return_tracking_no, a.exchange_tracking_no, timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M")]
            for a in after_sales)
    return xlsx_response(name="after-sales", title="售后", rows=rows, header=[
        "售后单号", "订单号", "类型", "状态", "原因", "退款金额（元）", "退货单号", "换货单号", "申请时间"])
