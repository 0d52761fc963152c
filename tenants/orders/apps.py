from django.apps import AppConfig

from core.planes import TENANT


class OrdersConfig(AppConfig):
    name = "tenants.orders"
    label = "orders"
    plane = TENANT

    def ready(self) -> None:
        # Registers the export task with Celery (it lives beside what it runs; autodiscovery reads tasks.py).
        from . import exports  # noqa: F401
