from django.apps import AppConfig

from core.planes import CONTROL


class StorefrontTemplatesConfig(AppConfig):
    name = "control_plane.storefront_templates"
    label = "storefront_templates"
    verbose_name = "Storefront templates"
    plane = CONTROL
