"""Local development (`make run`): as base, with the sandboxes. Debug pages only when asked (DJANGO_DEBUG=1):
they show SQL and settings to any shopper who reaches an error."""

from core.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", False)
WHITENOISE_AUTOREFRESH = DEBUG
