from django.apps import AppConfig

from core.planes import TENANT


class DistributionConfig(AppConfig):
    name = "tenants.distribution"
    label = "distribution"
    verbose_name = "Distribution network"
    plane = TENANT

    def ready(self) -> None:
        # Registers the settlement, bonus and payout tasks with Celery (they live beside what they run).
        from . import bonuses, handlers, payouts, settlement  # noqa: F401

        handlers.connect()
