"""Local development (`make run`): debug on, everything else as base."""

from core.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
WHITENOISE_AUTOREFRESH = DEBUG
