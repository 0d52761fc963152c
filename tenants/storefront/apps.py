from django.apps import AppConfig

from core.planes import TENANT


class StorefrontConfig(AppConfig):
    name = "tenants.storefront"
    label = "storefront"
    verbose_name = "Storefront"
    plane = TENANT

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
