from django.apps import AppConfig

from core.planes import TENANT


class PaymentsConfig(AppConfig):
    name = "tenants.payments"
    label = "payments"
    verbose_name = "Payments"
    plane = TENANT

    def ready(self) -> None:
        from . import refunds

        refunds.connect()
