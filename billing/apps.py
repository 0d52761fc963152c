from django.apps import AppConfig

from core.planes import CONTROL


class BillingConfig(AppConfig):
    name = "billing"
    label = "billing"
    verbose_name = "Billing"
    plane = CONTROL

    def ready(self) -> None:
        from . import handlers  # noqa: F401
