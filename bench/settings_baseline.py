"""A bare Django for the catalog benchmark's baseline: no tenant middleware, no DRF — one view that runs
the same listing query in the schema named by the host."""

from config.settings.dev import *  # noqa: F403

MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.baseline_urls"
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
