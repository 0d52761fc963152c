"""A bare Django for the catalog benchmark's baseline: no tenant middleware, no DRF, django-tenants' own
database backend (which sends ``SET search_path`` on its own round-trip) — one view that runs the same
listing query in the schema named by the host."""

from config.settings.dev import *  # noqa: F403

MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.baseline_urls"
ALLOWED_HOSTS = ["*"]
DATABASES = {"default": {**DATABASES["default"], "ENGINE": "django_tenants.postgresql_backend"}}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
