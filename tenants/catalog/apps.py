from django.apps import AppConfig

from core.planes import TENANT


class CatalogConfig(AppConfig):
    name = "tenants.catalog"
    label = "catalog"
    plane = TENANT
