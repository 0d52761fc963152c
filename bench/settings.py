"""Settings for bench/provision.py: development settings plus a benchmark-only tenant app whose migration
history (v1, or v2 with one more AddField) is chosen by BENCH_PROBE_VERSION."""

import os

from config.settings.dev import *  # noqa: F403
from config.settings.dev import INSTALLED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "bench.probe_app"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench.probe_app"]
MIGRATION_MODULES = {"probe_app": f"bench.probe_app.migrations_v{os.environ.get('BENCH_PROBE_VERSION', '1')}"}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
