"""Test settings: real PostgreSQL and Redis, separate database and Redis DB, fast hashing."""

from core.env import env_str

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL, REPO_DIR, REST_FRAMEWORK

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

TEST_REDIS_URL = env_str("TEST_REDIS_URL", REDIS_URL.rsplit("/", 1)[0] + "/15")
CACHES["default"]["LOCATION"] = TEST_REDIS_URL
CACHES["default"]["KEY_PREFIX"] = "distmall-test"
CELERY_BROKER_URL = TEST_REDIS_URL
CELERY_RESULT_BACKEND = TEST_REDIS_URL
SIGNUP_RATE_LIMIT = 1000
LOGGING = {"version": 1, "disable_existing_loggers": False}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min",
                                                                 "login": "10000/min"}}
# Uploads of the test run go to a throwaway folder, never into the working tree's media/.
MEDIA_ROOT = REPO_DIR / ".run" / "test-media"
