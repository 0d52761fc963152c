"""The merchant console on the tenant host. Grows screen by screen as capabilities land."""

from __future__ import annotations

from django.contrib.auth import get_user_model, login, logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from console_frontend.forms import form_done, form_message, form_page, form_status, posted_action
from console_frontend.passwords import password_login_page
from control_plane.operators.services import impersonation_redeem
from control_plane.storefront_templates.selectors import template_get_active, template_list_active
from control_plane.tenancy.requests import StoreRequest
from control_plane.tenancy.services import handoff_redeem, tenant_switch_template
from core.schema import current_schema
from core.storefront_layout import THEME_KEYS
from tenants.analytics.selectors import dashboard as dashboard_figures
from tenants.staff.models import StaffMember
from tenants.staff.selectors import staff_member_for
from tenants.staff.services import staff_create, staff_remove, staff_set_role
from tenants.storefront.selectors import storefront_layout_get
from tenants.storefront.services import storefront_update_layout

from .forms import STAFF_ROLES, StaffAddForm, StaffChangeForm
from .layout_form import BLOCK_FORMS, NEW_BLOCKS, LayoutEditor, TemplateChoiceForm
from .roles import IMPERSONATOR, ROLE_AREAS, console_area


@require_http_methods(["GET", "POST"])
def console_login(request: StoreRequest) -> HttpResponse:
    return password_login_page(request, template="console_frontend/console_login.html", home="console-dashboard",
                               accepts=lambda user: staff_member_for(user=user) is not None, lowercase=True,
                               context={"store": request.tenant})


@require_POST
def console_logout(request: StoreRequest) -> HttpResponse:
    logout(request)
    return redirect(reverse("console-login"))


@require_GET
def console_handoff(request: StoreRequest) -> HttpResponse:
    """Redeems the one-time link from sign-up and logs the new owner in on this host."""
    user_id = handoff_redeem(token=request.GET.get("token", ""), schema_name=current_schema())
    if user_id is None:
        return render(request, "console_frontend/console_login.html",
                      {"error": _("登录链接已失效，请用账号密码登录。"), "next": reverse("console-dashboard"),
                       "store": request.tenant},
                      status=400)
    user = get_user_model().objects.get(pk=user_id)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(reverse("console-dashboard"))


@require_GET
def console_impersonate(request: StoreRequest) -> HttpResponse:
    """Redeems an operator's single-use read-only link: a half-hour support visit, shown in a banner."""
    operator = impersonation_redeem(token=request.GET.get("token", ""), schema_name=current_schema())
    if operator is None:
        error = _("查看链接已失效，请从运营后台重新打开。")
        return render(request, "console_frontend/console_login.html",
                      {"error": error, "next": reverse("console-dashboard"), "store": request.tenant}, status=400)
    logout(request)  # a fresh session that carries no staff login
    request.session[IMPERSONATOR] = operator
    request.session.set_expiry(30 * 60)
    return redirect(reverse("console-dashboard"))


@console_area("dashboard")
@require_GET
def dashboard(request: StoreRequest) -> HttpResponse:
    layout = storefront_layout_get()
    template = template_get_active(code=layout.template_code) if layout else None
    return render(request, "console_frontend/dashboard.html",
                  {"store": request.tenant, "layout": layout, "template": template, "nav": "dashboard",
                   "figures": dashboard_figures()})


@console_area("storefront")
@require_http_methods(["GET", "POST"])
def storefront_settings(request: StoreRequest) -> HttpResponse:
    """Choose a template (replaces the home page) or edit the home page block by block and its colours."""
    layout = storefront_layout_get()
    posted = request.POST if request.method == "POST" else None
    switch = TemplateChoiceForm(posted if posted and "template" in posted else None)
    editor = LayoutEditor(posted if posted and "template" not in posted else None, request.FILES or None,
                          layout=layout.layout if layout else None, theme=dict(layout.theme) if layout else {},
                          revision=layout.revision if layout else None)
    if form_done(switch, lambda: tenant_switch_template(
            tenant=request.tenant, template_code=switch.cleaned_data["template"])):
        return redirect(reverse("console-storefront") + "?switched=1")
    if editor.bound and editor.is_valid() and form_done(editor.theme, lambda: storefront_update_layout(
            layout=editor.layout(), theme=editor.theme.theme(), new_slides=editor.new_slides(),
            expected_revision=editor.theme.cleaned_data["revision"])):
        return redirect(reverse("console-storefront") + "?saved=1#layout")
    invalid = posted and (switch.errors or editor.theme.errors or any(form.errors for form in editor.blocks))
    return render(request, "console_frontend/storefront.html", {
        "store": request.tenant, "layout": layout, "templates": template_list_active(), "editor": editor,
        "error": form_message(switch) if switch.errors else _("请修正标出的字段。") if invalid else "",
        "layout_errors": editor.theme.non_field_errors(),  # what the service found wrong with the whole page
        "theme_fields": [editor.theme[f"theme_{key}"] for key in THEME_KEYS],
        "new_blocks": [(kind, BLOCK_FORMS[kind].label) for kind in NEW_BLOCKS],
        "switched": request.GET.get("switched") == "1", "saved": request.GET.get("saved") == "1",
        "nav": "storefront"}, status=max(form_status(switch), form_status(editor.theme), 400 if invalid else 200))


@console_area("staff")
@require_http_methods(["GET", "POST"])
def staff(request: StoreRequest) -> HttpResponse:
    """Staff accounts and their roles (owner and admins only); seats count against the plan."""
    action = posted_action(request)
    initial = {"login": "", "role": StaffMember.Role.OPERATIONS}
    add = StaffAddForm(request.POST if action == "add" else None, initial=initial)
    change = StaffChangeForm(request.POST if action in {"role", "remove"} else None)
    if action == "add" and form_done(add, lambda: staff_create(**add.cleaned_data)):
        return redirect(reverse("console-staff") + "?saved=1")
    if action in {"role", "remove"} and form_done(change, lambda: staff_set_role(
            member=change.cleaned_data["member_id"], role=change.cleaned_data["role"]) if action == "role"
            else staff_remove(member=change.cleaned_data["member_id"])):
        return redirect(reverse("console-staff") + "?saved=1")
    members = StaffMember.objects.select_related("user").order_by("created_at")
    page = form_page(add, initial)
    if change.errors:  # a role change or removal that was refused: said on top of the page
        page["message"] = form_message(change)
    return render(request, "console_frontend/staff.html", {
        "store": request.tenant, "nav": "staff", "members": members, **page,
        "saved": request.GET.get("saved") == "1", "roles": STAFF_ROLES, "areas": ROLE_AREAS},
        status=max(form_status(add), form_status(change)))
