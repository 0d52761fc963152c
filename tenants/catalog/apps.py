from django.apps import AppConfig

from core.planes import TENANT


class CatalogConfig(AppConfig):
    name = "tenants.catalog"
    label = "catalog"
    plane = TENANT

    def ready(self) -> None:
        from billing.limits import usage_counter

        from . import selectors

        usage_counter("products", selectors.product_count)  # what its plan limit counts
