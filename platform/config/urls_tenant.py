"""URLs of a store's host (its own schema): H5 storefront, shop API, merchant console, health."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz
from config.media import tenant_media
from console_frontend import (
    console,
    console_billing,
    console_catalog,
    console_distribution,
    console_orders,
    console_payments,
    console_simulator,
    console_store,
    previews,
)

urlpatterns = [
    path("api/v1/", include("shop_api.urls")),  # first: the busiest paths are matched soonest
    path("", include("shop_api.h5.urls")),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="shop_api.urls_schema"), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("console/login/", console.console_login, name="console-login"),
    path("console/logout/", console.console_logout, name="console-logout"),
    path("console/handoff/", console.console_handoff, name="console-handoff"),
    path("console/impersonate/", console.console_impersonate, name="console-impersonate"),
    path("console/", console.dashboard, name="console-dashboard"),
    path("console/storefront/", console.storefront_settings, name="console-storefront"),
    path("console/store/staff/", console.staff, name="console-staff"),
    path("console/store/settings/", console_store.store_settings, name="console-store-settings"),
    path("console/store/order-rules/", console_store.order_rules, name="console-order-rules"),
    path("console/catalog/", console_catalog.product_list, name="console-catalog"),
    path("console/catalog/export.xlsx", console_catalog.product_export, name="console-catalog-export"),
    path("console/catalog/categories/", console_catalog.categories, name="console-categories"),
    path("console/catalog/new/", console_catalog.product_edit, name="console-product-new"),
    path("console/catalog/<int:product_id>/", console_catalog.product_edit, name="console-product"),
    path("console/orders/", console_orders.order_list, name="console-orders"),
    path("console/orders/export/", console_orders.order_export, name="console-orders-export"),
    path("console/exports/<str:job_id>/", console_orders.export_progress, name="console-export"),
    path("console/exports/<str:job_id>/download/", console_orders.export_download, name="console-export-download"),
    path("console/after-sales/", console_orders.after_sale_list, name="console-after-sales"),
    path("console/after-sales/export.xlsx", console_orders.after_sale_export, name="console-after-sales-export"),
    path("console/orders/<str:number>/", console_orders.order_detail, name="console-order"),
    path("console/distribution/", console_distribution.distribution_home, name="console-distribution"),
    path("console/distribution/settings/", console_distribution.distribution_settings,
         name="console-distribution-settings"),
    path("console/distribution/distributors.xlsx", console_distribution.distributors_export,
         name="console-distributors-export"),
    path("console/distribution/commissions.xlsx", console_distribution.commissions_export,
         name="console-commissions-export"),
    path("console/distribution/applications.xlsx", console_distribution.applications_export,
         name="console-applications-export"),
    path("console/finance/withdrawals/all.xlsx", console_distribution.withdrawals_list_export,
         name="console-withdrawals-list-export"),
    path("console/finance/settlements.xlsx", console_distribution.settlement_runs_export,
         name="console-settlements-export"),
    path("console/distribution/grades/", console_distribution.grades, name="console-grades"),
    path("console/distribution/distributors/<str:code>/", console_distribution.distributor_detail,
         name="console-distributor"),
    path("console/finance/settlements/", console_distribution.settlement_runs, name="console-settlements"),
    path("console/distribution/simulator/", console_simulator.simulator, name="console-simulator"),
    path("console/finance/withdrawals/", console_distribution.withdrawals, name="console-withdrawals"),
    path("console/finance/payments/", console_payments.payment_reconciliation, name="console-payments"),
    path("console/finance/withdrawals/export.xlsx", console_distribution.withdrawals_export,
         name="console-withdrawals-export"),
    path("console/billing/", console_billing.billing, name="console-billing"),
    path("console/templates/<slug:code>/preview.svg", previews.template_preview, name="console-template-preview"),
    path("media/<path:path>", tenant_media, name="tenant-media"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]
