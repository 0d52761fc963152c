from django.apps import AppConfig

from core.planes import TENANT


class MembersConfig(AppConfig):
    name = "tenants.members"
    label = "members"
    plane = TENANT
