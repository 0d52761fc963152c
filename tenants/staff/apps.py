from django.apps import AppConfig

from core.planes import TENANT


class StaffConfig(AppConfig):
    name = "tenants.staff"
    label = "staff"
    verbose_name = "Store staff"
    plane = TENANT

    def ready(self) -> None:
        from billing.limits import usage_counter

        from . import selectors

        usage_counter("staff", selectors.staff_count)  # what its plan limit counts
        from . import handlers

        handlers.connect()
