from django.apps import AppConfig

from core.planes import TENANT


class PrivacyConfig(AppConfig):
    name = "tenants.privacy"
    label = "privacy"
    verbose_name = "Privacy"
    plane = TENANT
