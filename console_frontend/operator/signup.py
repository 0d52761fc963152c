"""Self sign-up on the platform host."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from billing.selectors import plans_for_sale
from control_plane.storefront_templates.selectors import template_list_active
from control_plane.tenancy.selectors import slug_availability_problems
from control_plane.tenancy.services import tenant_signup
from control_plane.tenancy.validators import normalize_slug
from core.client_ip import client_ip
from core.errors import DomainError

FIELDS = ("store_name", "slug", "owner_login", "password", "template", "plan")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    templates = template_list_active()
    values = {name: request.POST.get(name, "") for name in FIELDS}
    if not values["template"] and templates:
        values["template"] = templates[0].code
    values["plan"] = values["plan"] or settings.BILLING_TRIAL_PLAN
    errors: dict[str, list[str]] = {}
    message = ""
    status = 200
    if request.method == "POST":
        try:
            result = tenant_signup(
                store_name=values["store_name"], slug=values["slug"], owner_login=values["owner_login"],
                password=values["password"], template_code=values["template"], plan_code=values["plan"],
                client_ip=client_ip(request),
            )
        except DomainError as exc:
            errors, message, status = exc.fields, exc.message, exc.http_status
        else:
            return HttpResponseRedirect(result.console_handoff_url)
    values["password"] = ""
    return render(request, "console_frontend/signup.html",
                  {"templates": templates, "plans": plans_for_sale(), "values": values, "errors": errors,
                   "message": message},
                  status=status)


@require_GET
def slug_check(request: HttpRequest) -> HttpResponse:
    """Live availability hint under the slug field (htmx)."""
    slug = normalize_slug(request.GET.get("slug", ""))
    problems = slug_availability_problems(slug)
    return render(request, "console_frontend/_slug_check.html", {"slug": slug, "problems": problems})
