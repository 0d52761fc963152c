"""Merchant console: payment reconciliation — money WeChat took that pays no order (each on its way back to
the shopper), and the review queue of notifications that did not fit the store's records."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from console_frontend.forms import form_status
from control_plane.tenancy.requests import StoreRequest
from tenants.payments.issues import payment_issue_resolve
from tenants.payments.models import PaymentIssue
from tenants.payments.selectors import payment_issues_open, payments_without_paid_order

from .forms import ResolveForm
from .roles import console_area


@console_area("finance")
@require_http_methods(["GET", "POST"])
def payment_reconciliation(request: StoreRequest) -> HttpResponse:
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        payment_issue_resolve(issue=form.cleaned_data["issue"], actor=request.user.get_username())
        return redirect("console-payments")
    return render(request, "console_frontend/payments.html", {
        "store": request.tenant, "nav": "finance", "unmatched": payments_without_paid_order(),
        "issues": payment_issues_open(), "form": form,
        "resolved": PaymentIssue.objects.filter(resolved_at__isnull=False)[:20]},
        status=form_status(form))
