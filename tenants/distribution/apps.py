from django.apps import AppConfig

from core.planes import TENANT


class DistributionConfig(AppConfig):
    name = "tenants.distribution"
    label = "distribution"
    verbose_name = "Distribution network"
    plane = TENANT

    def ready(self) -> None:
        # Registers the settlement task with Celery (it lives beside the SQL it runs, not in tasks.py).
        from . import handlers, settlement  # noqa: F401

        handlers.connect()
