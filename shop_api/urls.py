from django.urls import path

from . import catalog, distribution, members, orders, payments
from .storefront import StorefrontLayoutApi

urlpatterns = [
    path("storefront/layout/", StorefrontLayoutApi.as_view(), name="api-storefront-layout"),
    path("auth/wechat-login/", members.WechatLoginApi.as_view(), name="api-wechat-login"),
    path("me/", members.MeApi.as_view(), name="api-me"),
    path("me/addresses/", members.AddressListCreateApi.as_view(), name="api-addresses"),
    path("me/phone/", members.PhoneBindApi.as_view(), name="api-phone"),
    path("me/favourites/", members.FavouriteListApi.as_view(), name="api-favourites"),
    path("me/favourites/<int:product_id>/", members.FavouriteApi.as_view(), name="api-favourite"),
    path("me/history/", members.HistoryApi.as_view(), name="api-history"),
    path("catalog/categories/", catalog.CategoryTreeApi.as_view(), name="api-categories"),
    path("catalog/products/", catalog.ProductListApi.as_view(), name="api-products"),
    path("catalog/products/<int:product_id>/", catalog.ProductDetailApi.as_view(), name="api-product"),
    path("cart/", orders.CartApi.as_view(), name="api-cart"),
    path("cart/<int:item_id>/", orders.CartItemApi.as_view(), name="api-cart-item"),
    path("checkout/preview/", orders.CheckoutPreviewApi.as_view(), name="api-checkout-preview"),
    path("orders/", orders.OrderListCreateApi.as_view(), name="api-orders"),
    path("orders/<str:number>/", orders.OrderDetailApi.as_view(), name="api-order"),
    path("orders/<str:number>/cancel/", orders.OrderCancelApi.as_view(), name="api-order-cancel"),
    path("orders/<str:number>/confirm-receipt/", orders.OrderReceiptApi.as_view(), name="api-order-receipt"),
    path("payments/wechatpay/prepare/", payments.PaymentPrepareApi.as_view(), name="api-wechatpay-prepare"),
    path("payments/wechatpay/notify/", payments.wechatpay_notify, name="api-wechatpay-notify"),
    path("distribution/apply/", distribution.ApplyApi.as_view(), name="api-distribution-apply"),
    path("distribution/bind/", distribution.BindApi.as_view(), name="api-distribution-bind"),
    path("distribution/me/", distribution.MeApi.as_view(), name="api-distribution-me"),
    path("distribution/commissions/", distribution.CommissionListApi.as_view(), name="api-commissions"),
    path("distribution/bonuses/", distribution.BonusListApi.as_view(), name="api-bonuses"),
    path("distribution/earnings/trend/", distribution.EarningsTrendApi.as_view(), name="api-earnings-trend"),
    path("distribution/team/", distribution.TeamApi.as_view(), name="api-team"),
    path("distribution/withdrawals/", distribution.WithdrawApi.as_view(), name="api-withdraw"),
    path("distribution/posters/<int:product_id>/", distribution.PosterApi.as_view(), name="api-poster"),
    path("distribution/wxacode/", distribution.MiniProgramCodeApi.as_view(), name="api-wxacode"),
]
