from django.apps import AppConfig

from core.planes import TENANT


class CrmConfig(AppConfig):
    name = "tenants.crm"
    label = "crm"
    verbose_name = "CRM"
    plane = TENANT
