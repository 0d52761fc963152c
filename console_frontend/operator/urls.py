"""The platform host's pages: sign-up at the root and the operator console under /operators/, mounted once by
the composition root (config.urls_platform)."""

from django.urls import path

from console_frontend import previews

from . import signup, views

urlpatterns = [
    path("", signup.signup, name="signup"),
    path("signup/slug-check/", signup.slug_check, name="signup-slug-check"),
    path("templates/<slug:code>/preview.svg", previews.template_preview, name="template-preview"),
    path("operators/login/", views.operator_login, name="operator-login"),
    path("operators/logout/", views.operator_logout, name="operator-logout"),
    path("operators/", views.tenant_list, name="operator-tenants"),
    path("operators/tenants/<int:tenant_id>/", views.tenant_detail, name="operator-tenant"),
    path("operators/audit/", views.audit_log, name="operator-audit"),
    path("operators/audit.xlsx", views.audit_export, name="operator-audit-export"),
    path("operators/tenants.xlsx", views.tenant_export, name="operator-tenants-export"),
    path("operators/billing/", views.billing, name="operator-billing"),
    path("operators/health/", views.health, name="operator-health"),
    path("operators/lockouts/unlock/", views.lockout_unlock, name="operator-unlock"),
    path("operators/templates/", views.templates, name="operator-templates"),
    path("operators/templates/<slug:code>/", views.template_detail, name="operator-template"),
    path("operators/templates/<slug:code>/preview.svg", views.template_preview_any,
         name="operator-template-preview"),
    path("operators/plans/", views.plans, name="operator-plans"),
    path("operators/plans/<slug:code>/", views.plan_detail, name="operator-plan"),
]
