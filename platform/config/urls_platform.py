"""URLs of the platform host (public schema): the operator console and sign-up (their own URL module), the
Stripe webhook, health."""

from django.urls import include, path

from billing.webhooks import stripe_webhook
from config.health import healthz

urlpatterns = [
    path("", include("console_frontend.operator.urls")),
    path("billing/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]
