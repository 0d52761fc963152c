from django.apps import AppConfig

from core.planes import CONTROL


class TenancyConfig(AppConfig):
    name = "control_plane.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"
    plane = CONTROL

    def ready(self) -> None:
        from . import signals  # noqa: F401
