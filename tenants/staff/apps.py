from django.apps import AppConfig

from core.planes import TENANT


class StaffConfig(AppConfig):
    name = "tenants.staff"
    label = "staff"
    verbose_name = "Store staff"
    plane = TENANT
