from django.apps import AppConfig

from core.planes import TENANT


class LoyaltyConfig(AppConfig):
    name = "tenants.loyalty"
    label = "loyalty"
    verbose_name = "Loyalty"
    plane = TENANT

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
