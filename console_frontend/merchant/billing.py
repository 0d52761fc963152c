"""The merchant's billing page: plan, status, usage against the plan's limits, plans to move to (Stripe
Checkout to subscribe, an in-place change once subscribed), the customer portal and the invoices."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from billing.limits import PlanLimits
from billing.selectors import invoices_of, plans_for_sale, subscription_for, usage_rows
from billing.services import LIVE, checkout_start, plan_change, portal_url
from console_frontend.forms import form_message, form_status, form_submit
from control_plane.tenancy.requests import StoreRequest

from .forms import BillingForm
from .roles import console_area


def _absolute(request: StoreRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _go(request: StoreRequest, *, action: str, plan: str, interval: str) -> str:
    """Where the browser goes for the button pressed: Stripe Checkout, back here after a change, or the
    customer portal."""
    tenant, back = request.tenant, _absolute(request, reverse("console-billing"))
    if action == "subscribe":
        return checkout_start(tenant=tenant, plan_code=plan, interval=interval, cancel_url=back,
                              success_url=_absolute(request, reverse("console-billing") + "?done=checkout"))
    if action == "change":
        plan_change(tenant=tenant, plan_code=plan, interval=interval)
        return reverse("console-billing") + "?done=change"
    return portal_url(tenant=tenant, return_url=back)


@console_area("billing")
@require_http_methods(["GET", "POST"])
def billing(request: StoreRequest) -> HttpResponse:
    tenant = request.tenant
    form = BillingForm(request.POST if request.method == "POST" else None)
    going_to = form_submit(form, lambda: _go(request, **form.cleaned_data))
    if going_to:
        return redirect(going_to)
    subscription = subscription_for(tenant)
    if subscription is None:  # every store is given one when it opens
        raise Http404("This store has no subscription")
    limits = PlanLimits.of(subscription.plan)
    subscribed = bool(subscription.stripe_subscription_id) and subscription.status in LIVE
    return render(request, "console_frontend/billing.html", {
        "store": tenant, "nav": "billing", "subscription": subscription, "limits": limits, "subscribed": subscribed,
        "usage": usage_rows(tenant, limits), "plans": plans_for_sale(), "invoices": invoices_of(tenant),
        "error": form_message(form), "done": request.GET.get("done", "")}, status=form_status(form))
