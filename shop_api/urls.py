from django.urls import path

from . import catalog, members, orders, payments
from .storefront import StorefrontLayoutApi

urlpatterns = [
    path("storefront/layout/", StorefrontLayoutApi.as_view(), name="api-storefront-layout"),
    path("auth/wechat-login/", members.WechatLoginApi.as_view(), name="api-wechat-login"),
    path("me/", members.MeApi.as_view(), name="api-me"),
    path("me/addresses/", members.AddressListCreateApi.as_view(), name="api-addresses"),
    path("catalog/products/", catalog.ProductListApi.as_view(), name="api-products"),
    path("catalog/products/<int:product_id>/", catalog.ProductDetailApi.as_view(), name="api-product"),
    path("cart/", orders.CartApi.as_view(), name="api-cart"),
    path("checkout/preview/", orders.CheckoutPreviewApi.as_view(), name="api-checkout-preview"),
    path("orders/", orders.OrderListCreateApi.as_view(), name="api-orders"),
    path("orders/<str:number>/", orders.OrderDetailApi.as_view(), name="api-order"),
    path("orders/<str:number>/cancel/", orders.OrderCancelApi.as_view(), name="api-order-cancel"),
    path("orders/<str:number>/confirm-receipt/", orders.OrderReceiptApi.as_view(), name="api-order-receipt"),
    path("payments/wechatpay/prepare/", payments.PaymentPrepareApi.as_view(), name="api-wechatpay-prepare"),
    path("payments/wechatpay/notify/", payments.wechatpay_notify, name="api-wechatpay-notify"),
]
