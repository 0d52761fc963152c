"""URLs of a store's host (its own schema): the shop API, the H5 storefront, the merchant console (its own URL
module), the store's media, health."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz
from config.media import tenant_media

urlpatterns = [
    path("api/v1/", include("shop_api.urls")),  # first: the busiest paths are matched soonest
    path("", include("shop_api.h5.urls")),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="shop_api.urls_schema"), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("console/", include("console_frontend.merchant.urls")),
    path("media/<path:path>", tenant_media, name="tenant-media"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]

handler404 = "shop_api.errors.not_found"
