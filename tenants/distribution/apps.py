from django.apps import AppConfig

from core.planes import TENANT


class DistributionConfig(AppConfig):
    name = "tenants.distribution"
    label = "distribution"
    verbose_name = "Distribution network"
    plane = TENANT

    def ready(self) -> None:
        from billing.limits import usage_counter

        from . import selectors

        usage_counter("distributors", selectors.distributor_count)  # what its plan limit counts
        # Registers the settlement, bonus and payout tasks with Celery (they live beside what they run).
        from . import bonuses, handlers, payouts, settlement  # noqa: F401

        handlers.connect()
        payouts.connect()
