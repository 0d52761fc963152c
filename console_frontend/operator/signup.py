"""Self sign-up on the platform host."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from billing.selectors import plans_for_sale
from console_frontend.forms import form_page, form_status, form_submit
from control_plane.storefront_templates.selectors import template_list_active
from control_plane.tenancy.selectors import slug_availability_problems
from control_plane.tenancy.services import tenant_signup
from control_plane.tenancy.validators import normalize_slug
from core.client_ip import client_ip

from .forms import SignupForm


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    templates = template_list_active()
    form = SignupForm(request.POST if request.method == "POST" else None)
    result = form_submit(form, lambda: tenant_signup(
        store_name=form.cleaned_data["store_name"], slug=form.cleaned_data["slug"],
        owner_login=form.cleaned_data["owner_login"], password=form.cleaned_data["password"],
        template_code=form.cleaned_data["template"] or (templates[0].code if templates else ""),
        plan_code=form.cleaned_data["plan"] or settings.BILLING_TRIAL_PLAN, client_ip=client_ip(request)))
    if result is not None:
        return HttpResponseRedirect(result.console_handoff_url)
    page = form_page(form, {})
    return render(request, "console_frontend/signup.html", {
        "templates": templates, "plans": plans_for_sale(), "errors": page["errors"], "message": page["message"],
        "values": form.shown(template=templates[0].code if templates else "", plan=settings.BILLING_TRIAL_PLAN)},
        status=form_status(form))


@require_GET
def slug_check(request: HttpRequest) -> HttpResponse:
    """Live availability hint under the slug field (htmx)."""
    slug = normalize_slug(request.GET.get("slug", ""))
    problems = slug_availability_problems(slug)
    return render(request, "console_frontend/_slug_check.html", {"slug": slug, "problems": problems})
