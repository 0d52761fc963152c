"""The merchant's billing page: plan, status, usage against the plan's limits, plans to move to (Stripe
Checkout to subscribe, an in-place change once subscribed), the customer portal and the invoices."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from billing.limits import PlanLimits
from billing.selectors import invoices_of, plans_for_sale, subscription_for, usage_rows
from billing.services import LIVE, checkout_start, plan_change, portal_url
from core.errors import DomainError

from .roles import console_area


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


@console_area("billing")
@require_http_methods(["GET", "POST"])
def billing(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        plan_code, interval = request.POST.get("plan", ""), request.POST.get("interval", "month")
        try:
            if action == "subscribe":
                return redirect(checkout_start(
                    tenant=tenant, plan_code=plan_code, interval=interval,
                    success_url=_absolute(request, reverse("console-billing") + "?done=checkout"),
                    cancel_url=_absolute(request, reverse("console-billing"))))
            if action == "change":
                plan_change(tenant=tenant, plan_code=plan_code, interval=interval)
                return redirect(reverse("console-billing") + "?done=change")
            if action == "portal":
                return redirect(portal_url(tenant=tenant, return_url=_absolute(request, reverse("console-billing"))))
            error, status = "unknown action", 400
        except DomainError as exc:
            error, status = exc.message, exc.http_status
    subscription = subscription_for(tenant)
    limits = PlanLimits.of(subscription.plan)
    subscribed = bool(subscription.stripe_subscription_id) and subscription.status in LIVE
    return render(request, "console_frontend/billing.html", {
        "store": tenant, "nav": "billing", "subscription": subscription, "limits": limits, "subscribed": subscribed,
        "usage": usage_rows(tenant, limits), "plans": plans_for_sale(), "invoices": invoices_of(tenant),
        "error": error, "done": request.GET.get("done", "")}, status=status)
