from django.urls import path

from . import accounts, orders, shopping, views

urlpatterns = [
    path("", views.home, name="h5-home"),
    path("categories/", views.categories, name="h5-categories"),
    path("products/", views.products, name="h5-products"),
    path("products/<int:product_id>/", views.product, name="h5-product"),
    path("products/<int:product_id>/reviews/", views.product_reviews, name="h5-product-reviews"),
    path("login/", accounts.login, name="h5-login"),
    path("login/wechat/", accounts.login_wechat, name="h5-login-wechat"),
    path("login/wechat/done/", accounts.login_wechat_done, name="h5-login-wechat-done"),
    path("logout/", accounts.logout, name="h5-logout"),
    path("me/", accounts.me, name="h5-me"),
    path("me/addresses/", shopping.addresses, name="h5-addresses"),
    path("me/addresses/new/", shopping.address_edit, name="h5-address-new"),
    path("me/addresses/<int:address_id>/", shopping.address_edit, name="h5-address"),
    path("me/addresses/<int:address_id>/delete/", shopping.address_remove, name="h5-address-delete"),
    path("regions.json", shopping.regions, name="h5-regions"),
    path("cart/", shopping.cart, name="h5-cart"),
    path("cart/add/", shopping.cart_add_view, name="h5-cart-add"),
    path("cart/<int:item_id>/", shopping.cart_line, name="h5-cart-line"),
    path("checkout/", shopping.checkout, name="h5-checkout"),
    path("orders/", orders.orders, name="h5-orders"),
    path("orders/<str:number>/", orders.order, name="h5-order"),
    path("orders/<str:number>/cancel/", orders.order_cancel_view, name="h5-order-cancel"),
    path("orders/<str:number>/receipt/", orders.order_receipt_view, name="h5-order-receipt"),
    path("orders/<str:number>/review/", orders.order_review, name="h5-order-review"),
    path("orders/<str:number>/pay/", shopping.order_pay, name="h5-order-pay"),
    path("orders/<str:number>/result/", shopping.order_result, name="h5-order-result"),
]
