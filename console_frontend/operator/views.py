"""Operator pages on the platform host: tenants, suspension, plans, storefront templates, billing overview,
health, audit log."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.gateway import StripeError
from billing.limits import PlanLimits
from billing.models import Plan, Subscription
from billing.selectors import billing_overview, invoices_of, plans_with_subscribers, subscription_for, usage_rows
from billing.services import PLAN_LIMIT_FIELDS
from billing.sync import plan_sync
from console_frontend.excel import xlsx_response
from console_frontend.forms import form_done, form_message, form_page, form_status, form_submit, posted_action
from console_frontend.passwords import password_login_page
from console_frontend.previews import render_preview
from control_plane.operators.lockouts import lockouts, operator_unlock_login
from control_plane.operators.models import AuditLog
from control_plane.operators.selectors import platform_health
from control_plane.operators.services import (
    operator_impersonate,
    operator_plan_save,
    operator_resume_tenant,
    operator_suspend_tenant,
    operator_template_save,
    operator_template_set_active,
)
from control_plane.storefront_templates.models import StorefrontTemplate
from control_plane.storefront_templates.selectors import template_get, template_list_active, templates_for_operators
from control_plane.tenancy.models import Tenant
from control_plane.tenancy.selectors import tenant_search
from core.client_ip import client_ip

from .forms import PlanForm, TemplateForm, TenantActionForm, UnlockForm

PAGE_SIZE = 25


def operator_required(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff and request.user.is_active):
            return redirect(f"{reverse('operator-login')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
def operator_login(request: HttpRequest) -> HttpResponse:
    return password_login_page(request, template="console_frontend/operator_login.html", home="operator-tenants",
                               accepts=lambda user: user.is_staff, lowercase=False)


@require_POST
def operator_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(reverse("operator-login"))


@operator_required
@require_GET
def tenant_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status not in Tenant.Status.values:
        status = ""
    plans = plans_with_subscribers()
    plan = request.GET.get("plan", "")
    if plan not in {p.code for p in plans}:
        plan = ""
    page = Paginator(tenant_search(query=query, status=status, plan_code=plan), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "console_frontend/operator_tenants.html",
                  {"page": page, "q": query, "status": status, "statuses": Tenant.Status.choices,
                   "plan": plan, "plans": plans,
                   "nav": "tenants"})


@operator_required
@require_http_methods(["GET", "POST"])
def tenant_detail(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.exclude(schema_name="public").select_related("template"),
                               pk=tenant_id)
    form = TenantActionForm(request.POST if request.method == "POST" else None)
    act = {"suspend": operator_suspend_tenant, "resume": operator_resume_tenant}.get(form.data.get("action", ""))
    if act is None:  # impersonating: the store's console opens, read-only, under a single-use link
        link = form_submit(form, lambda: operator_impersonate(
            operator=request.user, tenant=tenant, reason=form.cleaned_data["reason"], ip=client_ip(request)))
        if link:
            return redirect(link)
    elif form_done(form, lambda: act(operator=request.user, tenant=tenant, reason=form.cleaned_data["reason"],
                                     ip=client_ip(request))):
        return redirect(reverse("operator-tenant", kwargs={"tenant_id": tenant.pk}))
    page = form_page(form, {})
    if "action" in form.errors:  # a button the page does not have: no box to show it by
        page["message"] = form_message(form)
    if form.data.get("action") == "impersonate":  # its reason has its own box, in the impersonation card
        page["errors"] = {"impersonate_reason": page["errors"].pop("reason", [])}
    audit = AuditLog.objects.filter(tenant_id=tenant.pk)[:50]
    return render(request, "console_frontend/operator_tenant_detail.html",
                  {"tenant": tenant, "domains": tenant.domains.all(), "audit": audit, **page,
                   "nav": "tenants", "subscription": subscription_for(tenant),
                   "invoices": invoices_of(tenant), "usage": _usage(tenant),
                   "lockouts": [] if tenant.purged_at else lockouts(tenant=tenant)},
                  status=form_status(form))


@operator_required
@require_POST
def lockout_unlock(request: HttpRequest) -> HttpResponse:
    """Lift a login lockout of the operator console or of a store's console (audited)."""
    form = UnlockForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    tenant = form.cleaned_data["tenant"]
    operator_unlock_login(operator=request.user, kind=form.cleaned_data["kind"], value=form.cleaned_data["value"],
                          tenant=tenant, ip=client_ip(request))
    return redirect(reverse("operator-tenant", args=[tenant.pk]) if tenant else reverse("operator-health"))


def _usage(tenant: Tenant) -> list:
    """The store's usage against its plan (none for a store whose schema was purged)."""
    subscription = subscription_for(tenant)
    if subscription is None or tenant.purged_at:
        return []
    return usage_rows(tenant, PlanLimits.of(subscription.plan))


@operator_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(AuditLog.objects.all(), 50).get_page(request.GET.get("page"))
    return render(request, "console_frontend/operator_audit.html", {"page": page, "nav": "audit"})


@operator_required
@require_GET
def billing(request: HttpRequest) -> HttpResponse:
    """MRR, subscriptions by status and plan, trials ending, stores past due and recently churned."""
    overview = billing_overview()
    return render(request, "console_frontend/operator_billing.html", {
        "overview": overview, "nav": "billing",
        "chart": {"status": [{"label": Subscription.Status(k).label, "value": v}
                             for k, v in sorted(overview.by_status.items())],
                  "plans": [{"label": name, "value": n} for name, n in overview.by_plan]}})


def _sync(plan: Plan) -> str:
    try:
        plan_sync(plan)
    except StripeError as exc:
        return _("已保存，但同步到 Stripe 失败：%(error)s。稍后点“同步到 Stripe”重试。") % {
            "error": exc.user_message or exc.__class__.__name__}
    return ""


@operator_required
@require_http_methods(["GET", "POST"])
def plans(request: HttpRequest) -> HttpResponse:
    """Every plan with its prices, limits, subscribers and Stripe sync state; a form for a new plan."""
    initial = PlanForm.initial_from(None)
    form = PlanForm(request.POST or None, initial=initial, creating=True)
    if form.is_bound and (plan := form_submit(form, lambda: operator_plan_save(
            operator=request.user, code=form.cleaned_data["code"], values=form.values(), create=True,
            ip=client_ip(request)))):
        warning = _sync(plan)
        return redirect(reverse("operator-plan", kwargs={"code": plan.code})
                        + ("?sync=failed" if warning else "?saved=1"))
    return render(request, "console_frontend/operator_plans.html", {
        "plans": plans_with_subscribers(), "templates": template_list_active(), "nav": "plans",
        "limit_fields": PLAN_LIMIT_FIELDS, **form_page(form, form.shown(initial))},
        status=form_status(form))


@operator_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(Plan, code=code)
    initial = PlanForm.initial_from(plan)
    syncing = posted_action(request) == "sync"
    form = PlanForm(request.POST if request.method == "POST" and not syncing else None, initial=initial)
    sync_failed = ""
    if syncing:
        sync_failed = _sync(plan)
        if not sync_failed:
            return redirect(f"{reverse('operator-plan', kwargs={'code': plan.code})}?synced=1")
    elif form.is_bound and (saved := form_submit(form, lambda: operator_plan_save(
            operator=request.user, code=plan.code, values=form.values(), ip=client_ip(request)))):
        warning = _sync(saved)
        return redirect(reverse("operator-plan", kwargs={"code": saved.code})
                        + ("?sync=failed" if warning else "?saved=1"))
    plan.refresh_from_db()
    page = form_page(form, form.shown(initial))
    return render(request, "console_frontend/operator_plan_detail.html", {
        "plan": plan, "templates": template_list_active(), "nav": "plans", "limit_fields": PLAN_LIMIT_FIELDS,
        "state": request.GET, **page, "message": sync_failed or page["message"]},
        status=400 if sync_failed or form.errors else 200)


@operator_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Stores by status, sign-ups per day, MRR and failed background jobs, with charts."""
    figures = platform_health()
    overview = billing_overview()
    return render(request, "console_frontend/operator_health.html", {
        "health": figures, "overview": overview, "nav": "health", "lockouts": lockouts(),
        "chart": {"signups": figures.signups_by_day,
                  "status": [{"label": Tenant.Status(k).label, "value": v}
                             for k, v in sorted(figures.stores_by_status.items())]}})


@operator_required
@require_http_methods(["GET", "POST"])
def templates(request: HttpRequest) -> HttpResponse:
    """Storefront templates: previews, versions, stores made from each; a form for a new one."""
    initial = TemplateForm.initial_from(None)
    form = TemplateForm(request.POST or None, initial=initial, creating=True)
    if form.is_bound and (template := form_submit(form, lambda: operator_template_save(
            operator=request.user, code=form.cleaned_data["code"], values=form.values(), create=True,
            ip=client_ip(request)))):
        return redirect(f"{reverse('operator-template', kwargs={'code': template.code})}?saved=1")
    return render(request, "console_frontend/operator_templates.html", {
        "templates": templates_for_operators(), "nav": "templates", **form_page(form, initial)},
        status=form_status(form))


@operator_required
@require_http_methods(["GET", "POST"])
def template_detail(request: HttpRequest, code: str) -> HttpResponse:
    template = get_object_or_404(StorefrontTemplate, code=code)
    initial = TemplateForm.initial_from(template)
    action = posted_action(request, default="save")
    form = TemplateForm(request.POST if action == "save" else None, initial=initial)
    availability = forms.Form(request.POST if action in {"retire", "restore"} else None)
    if availability.is_bound:
        if form_done(availability, lambda: operator_template_set_active(
                operator=request.user, code=code, active=action == "restore", ip=client_ip(request))):
            return redirect(f"{reverse('operator-template', kwargs={'code': code})}?saved=1")
    elif form_done(form, lambda: operator_template_save(
            operator=request.user, code=code, values=form.values(), ip=client_ip(request))):
        return redirect(f"{reverse('operator-template', kwargs={'code': code})}?saved=1")
    template.refresh_from_db()
    page = form_page(form, initial)
    return render(request, "console_frontend/operator_template_detail.html", {
        "template": template, "nav": "templates", "saved": request.GET.get("saved") == "1", **page,
        "message": form_message(availability) or page["message"]},
        status=max(form_status(form), form_status(availability)))


@operator_required
@require_GET
def template_preview_any(request: HttpRequest, code: str) -> HttpResponse:
    """The preview of any template, retired ones too (the public preview shows offered ones only)."""
    template = template_get(code=code)
    if template is None:
        raise Http404("No such template")
    return render_preview(template)


@operator_required
@require_GET
def tenant_export(request: HttpRequest) -> HttpResponse:
    """The stores of the list (same search and filters) as Excel."""
    status = request.GET.get("status", "")
    tenants = tenant_search(query=request.GET.get("q", "").strip(),
                            status=status if status in Tenant.Status.values else "",
                            plan_code=request.GET.get("plan", ""))
    rows = ([t.slug, t.name, t.get_status_display(), t.plan_code, t.template.name if t.template else "",
             t.owner_login, timezone.localtime(t.created_at).strftime("%Y-%m-%d %H:%M")] for t in tenants)
    return xlsx_response(name="stores", title="商户", rows=rows,
                         header=["域名前缀", "店铺名称", "状态", "套餐", "模板", "店主", "创建时间"])


@operator_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    rows = ([timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M:%S"), a.actor_label, a.get_action_display(),
             a.tenant_slug, a.reason, a.ip_address or ""] for a in AuditLog.objects.all().iterator())
    return xlsx_response(name="audit-log", title="操作日志", rows=rows,
                         header=["时间", "操作人", "操作", "店铺", "原因", "IP"])
