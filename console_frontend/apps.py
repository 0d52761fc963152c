from django.apps import AppConfig


class ConsoleFrontendConfig(AppConfig):
    name = "console_frontend"
    verbose_name = "Consoles (merchant and operator)"
