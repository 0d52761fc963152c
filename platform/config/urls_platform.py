"""URLs of the platform host (public schema): sign-up, operators, health."""

from django.urls import include, path

from billing.webhooks import stripe_webhook
from config.health import healthz
from console_frontend import operators, previews, signup

urlpatterns = [
    path("", signup.signup, name="signup"),
    path("signup/slug-check/", signup.slug_check, name="signup-slug-check"),
    path("templates/<slug:code>/preview.svg", previews.template_preview, name="template-preview"),
    path("operators/login/", operators.operator_login, name="operator-login"),
    path("operators/logout/", operators.operator_logout, name="operator-logout"),
    path("operators/", operators.tenant_list, name="operator-tenants"),
    path("operators/tenants/<int:tenant_id>/", operators.tenant_detail, name="operator-tenant"),
    path("operators/audit/", operators.audit_log, name="operator-audit"),
    path("operators/audit.xlsx", operators.audit_export, name="operator-audit-export"),
    path("operators/tenants.xlsx", operators.tenant_export, name="operator-tenants-export"),
    path("operators/billing/", operators.billing, name="operator-billing"),
    path("operators/health/", operators.health, name="operator-health"),
    path("operators/lockouts/unlock/", operators.lockout_unlock, name="operator-unlock"),
    path("operators/templates/", operators.templates, name="operator-templates"),
    path("operators/templates/<slug:code>/", operators.template_detail, name="operator-template"),
    path("operators/templates/<slug:code>/preview.svg", operators.template_preview_any,
         name="operator-template-preview"),
    path("operators/plans/", operators.plans, name="operator-plans"),
    path("operators/plans/<slug:code>/", operators.plan_detail, name="operator-plan"),
    path("billing/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]
