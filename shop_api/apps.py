from django.apps import AppConfig


class ShopApiConfig(AppConfig):
    name = "shop_api"
    verbose_name = "Shop API (mini-program and H5)"

    def ready(self) -> None:
        from . import schema  # noqa: F401  # registers the shoppers' token scheme with drf-spectacular
