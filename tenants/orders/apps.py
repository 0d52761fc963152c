from django.apps import AppConfig

from core.planes import TENANT


class OrdersConfig(AppConfig):
    name = "tenants.orders"
    label = "orders"
    plane = TENANT

    def ready(self) -> None:
        from billing.limits import usage_counter

        from . import selectors

        usage_counter("orders_per_month", selectors.orders_this_month_count)  # what its plan limit counts
        # Registers the export task with Celery (it lives beside what it runs; autodiscovery reads tasks.py).
        from . import exports  # noqa: F401
