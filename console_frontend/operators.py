"""Operator pages on the platform host: tenants, suspension, audit log."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import authenticate, login, logout
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from control_plane.operators.models import AuditLog
from control_plane.operators.services import operator_resume_tenant, operator_suspend_tenant
from control_plane.tenancy.models import Tenant
from control_plane.tenancy.selectors import tenant_search
from core.errors import DomainError

from .http import client_ip

PAGE_SIZE = 25


def operator_required(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff and request.user.is_active):
            return redirect(f"/operators/login/?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
def operator_login(request: HttpRequest) -> HttpResponse:
    error = ""
    next_url = request.POST.get("next") or request.GET.get("next") or "/operators/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/operators/"
    if request.method == "POST":
        user = authenticate(request, username=request.POST.get("login", "").strip(),
                            password=request.POST.get("password", ""))
        if user is not None and user.is_staff:
            login(request, user)
            return HttpResponseRedirect(next_url)
        error = _("账号或密码不正确。")
    return render(request, "console_frontend/operator_login.html", {"error": error, "next": next_url},
                  status=400 if error else 200)


@require_POST
def operator_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("/operators/login/")


@operator_required
@require_GET
def tenant_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status not in Tenant.Status.values:
        status = ""
    page = Paginator(tenant_search(query=query, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console_frontend/operator_tenants.html",
                  {"page": page, "q": query, "status": status, "statuses": Tenant.Status.choices,
                   "nav": "tenants"})


@operator_required
@require_http_methods(["GET", "POST"])
def tenant_detail(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.exclude(schema_name="public").select_related("template"),
                               pk=tenant_id)
    errors: dict[str, list[str]] = {}
    message = ""
    if request.method == "POST":
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        service = {"suspend": operator_suspend_tenant, "resume": operator_resume_tenant}.get(action)
        if service is None:
            message = _("未知操作。")
        else:
            try:
                service(operator=request.user, tenant=tenant, reason=reason, ip=client_ip(request))
            except DomainError as exc:
                errors, message = exc.fields, exc.message
            else:
                return redirect(f"/operators/tenants/{tenant.pk}/")
    audit = AuditLog.objects.filter(tenant_id=tenant.pk)[:50]
    return render(request, "console_frontend/operator_tenant_detail.html",
                  {"tenant": tenant, "domains": tenant.domains.all(), "audit": audit, "errors": errors,
                   "message": message, "nav": "tenants"},
                  status=400 if message else 200)


@operator_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(AuditLog.objects.all(), 50).get_page(request.GET.get("page"))
    return render(request, "console_frontend/operator_audit.html", {"page": page, "nav": "audit"})
