"""Image build steps (``collectstatic`` in infra/Dockerfile): production's static-file settings and none of
its runtime secrets, which a build must never need nor bake into a layer. Nothing served uses these."""

from core.env import env_str

from .base import *  # noqa: F403
from .base import REPO_DIR

DEBUG = False
SECRET_KEY = "image-build-only-never-used-to-sign-anything"
STATIC_ROOT = env_str("STATIC_ROOT", str(REPO_DIR / "staticfiles"))  # as production reads it
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
