from django.apps import AppConfig

from core.planes import CONTROL


class OperatorsConfig(AppConfig):
    name = "control_plane.operators"
    label = "operators"
    verbose_name = "Platform operators"
    plane = CONTROL
