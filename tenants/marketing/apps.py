from django.apps import AppConfig

from core.planes import TENANT


class MarketingConfig(AppConfig):
    name = "tenants.marketing"
    label = "marketing"
    verbose_name = "Marketing"
    plane = TENANT

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
