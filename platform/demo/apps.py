from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of `make run` (``manage.py seed_demo``). It composes both planes' services, as a
    composition root may; no product code imports it."""

    name = "demo"
    verbose_name = "Demo data"
