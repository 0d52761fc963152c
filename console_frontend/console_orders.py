"""Merchant console: orders (list, detail with timeline, shipping) and after-sales."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError
from tenants.orders.aftersales import after_sale_approve, after_sale_reject, after_sale_return_received
from tenants.orders.models import AfterSale, Order
from tenants.orders.services import order_ship

from .roles import console_area


@console_area("orders")
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    orders = Order.objects.all().order_by("-created_at")
    if status in Order.Status.values:
        orders = orders.filter(status=status)
    if q:
        orders = orders.filter(number__startswith=q) | orders.filter(address__phone=q)
    page = Paginator(orders, 20).get_page(request.GET.get("page"))
    return render(request, "console_frontend/orders.html", {
        "store": request.tenant, "nav": "orders", "page": page, "status": status, "q": q,
        "statuses": Order.Status.choices,
    })


@console_area("orders")
@require_http_methods(["GET", "POST"])
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(Order.objects.prefetch_related("lines", "events", "shipments__events"), number=number)
    errors: dict[str, list[str]] = {}
    message = ""
    if request.method == "POST":
        actor = request.user.get_username()
        action = request.POST.get("action")
        try:
            if action == "ship":
                order_ship(order=order, carrier_code=request.POST.get("carrier_code", ""),
                           tracking_no=request.POST.get("tracking_no", ""), actor=actor)
            elif action in {"approve", "reject", "received"}:
                after_sale = get_object_or_404(AfterSale, order=order, pk=request.POST.get("after_sale_id"))
                if action == "approve":
                    after_sale_approve(after_sale=after_sale, actor=actor)
                elif action == "reject":
                    after_sale_reject(after_sale=after_sale, reason=request.POST.get("reason", ""), actor=actor)
                else:
                    after_sale_return_received(after_sale=after_sale, actor=actor)
            else:
                message = "未知操作"
        except DomainError as exc:
            errors, message = exc.fields, exc.message
        if not message:
            return redirect(f"/console/orders/{order.number}/")
    return render(request, "console_frontend/order_detail.html", {
        "store": request.tenant, "nav": "orders", "order": order, "errors": errors, "message": message,
        "after_sales": order.after_sales.prefetch_related("lines__order_line"),
        # A partly shipped order stays "paid" until its last unit leaves.
        "can_ship": order.status == Order.Status.PAID,
    }, status=400 if message else 200)
