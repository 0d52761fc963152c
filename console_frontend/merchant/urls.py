"""The merchant console's routes, mounted at /console/ on every store host by the composition root."""

from django.urls import path

from console_frontend import previews

from . import billing, catalog, distribution, home, marketing, orders, payments, reviews, simulator, store

urlpatterns = [
    path("login/", home.console_login, name="console-login"),
    path("logout/", home.console_logout, name="console-logout"),
    path("handoff/", home.console_handoff, name="console-handoff"),
    path("impersonate/", home.console_impersonate, name="console-impersonate"),
    path("", home.dashboard, name="console-dashboard"),
    path("storefront/", home.storefront_settings, name="console-storefront"),
    path("store/staff/", home.staff, name="console-staff"),
    path("store/settings/", store.store_settings, name="console-store-settings"),
    path("store/order-rules/", store.order_rules, name="console-order-rules"),
    path("store/wechat/", store.wechat_settings, name="console-wechat"),
    path("catalog/", catalog.product_list, name="console-catalog"),
    path("catalog/export.xlsx", catalog.product_export, name="console-catalog-export"),
    path("catalog/categories/", catalog.categories, name="console-categories"),
    path("catalog/new/", catalog.product_edit, name="console-product-new"),
    path("catalog/<int:product_id>/", catalog.product_edit, name="console-product"),
    path("orders/", orders.order_list, name="console-orders"),
    path("orders/export/", orders.order_export, name="console-orders-export"),
    path("exports/<str:job_id>/", orders.export_progress, name="console-export"),
    path("exports/<str:job_id>/download/", orders.export_download, name="console-export-download"),
    path("after-sales/", orders.after_sale_list, name="console-after-sales"),
    path("after-sales/export.xlsx", orders.after_sale_export, name="console-after-sales-export"),
    path("reviews/", reviews.reviews, name="console-reviews"),
    path("marketing/coupons/", marketing.coupons, name="console-coupons"),
    path("marketing/calendar/", marketing.calendar, name="console-campaign-calendar"),
    path("marketing/<slug:kind>/", marketing.campaigns, name="console-campaigns"),
    path("marketing/<slug:kind>/export/", marketing.campaigns_export, name="console-campaigns-export"),
    path("orders/<str:number>/", orders.order_detail, name="console-order"),
    path("distribution/", distribution.distribution_home, name="console-distribution"),
    path("distribution/settings/", distribution.distribution_settings, name="console-distribution-settings"),
    path("distribution/distributors.xlsx", distribution.distributors_export, name="console-distributors-export"),
    path("distribution/commissions.xlsx", distribution.commissions_export, name="console-commissions-export"),
    path("distribution/applications.xlsx", distribution.applications_export, name="console-applications-export"),
    path("distribution/grades/", distribution.grades, name="console-grades"),
    path("distribution/distributors/<str:code>/", distribution.distributor_detail, name="console-distributor"),
    path("distribution/simulator/", simulator.simulator, name="console-simulator"),
    path("finance/withdrawals/", distribution.withdrawals, name="console-withdrawals"),
    path("finance/withdrawals/export.xlsx", distribution.withdrawals_export, name="console-withdrawals-export"),
    path("finance/withdrawals/all.xlsx", distribution.withdrawals_list_export,
         name="console-withdrawals-list-export"),
    path("finance/settlements/", distribution.settlement_runs, name="console-settlements"),
    path("finance/settlements.xlsx", distribution.settlement_runs_export, name="console-settlements-export"),
    path("finance/payments/", payments.payment_reconciliation, name="console-payments"),
    path("billing/", billing.billing, name="console-billing"),
    path("templates/<slug:code>/preview.svg", previews.template_preview, name="console-template-preview"),
]
