"""URLs of a store's host (its own schema): H5 storefront, shop API, merchant console, health."""

from django.urls import include, path

from config.health import healthz
from console_frontend import console, previews

urlpatterns = [
    path("", include("shop_api.h5.urls")),
    path("api/v1/", include("shop_api.urls")),
    path("console/login/", console.console_login, name="console-login"),
    path("console/logout/", console.console_logout, name="console-logout"),
    path("console/handoff/", console.console_handoff, name="console-handoff"),
    path("console/", console.dashboard, name="console-dashboard"),
    path("console/storefront/", console.storefront_settings, name="console-storefront"),
    path("console/templates/<slug:code>/preview.svg", previews.template_preview, name="console-template-preview"),
    path("healthz", healthz, name="healthz"),
]
