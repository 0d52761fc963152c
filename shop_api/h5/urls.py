from django.urls import path

from . import accounts, views

urlpatterns = [
    path("", views.home, name="h5-home"),
    path("categories/", views.categories, name="h5-categories"),
    path("products/", views.products, name="h5-products"),
    path("products/<int:product_id>/", views.product, name="h5-product"),
    path("login/", accounts.login, name="h5-login"),
    path("login/wechat/", accounts.login_wechat, name="h5-login-wechat"),
    path("login/wechat/done/", accounts.login_wechat_done, name="h5-login-wechat-done"),
    path("logout/", accounts.logout, name="h5-logout"),
    path("me/", accounts.me, name="h5-me"),
]
