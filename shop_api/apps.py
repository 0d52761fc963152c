from django.apps import AppConfig


class ShopApiConfig(AppConfig):
    name = "shop_api"
    verbose_name = "Shop API (mini-program and H5)"
