from django.apps import AppConfig

from core.planes import TENANT


class DistributionConfig(AppConfig):
    name = "tenants.distribution"
    label = "distribution"
    verbose_name = "Distribution network"
    plane = TENANT
