"""Settings shared by every environment. Values come from the environment through core.env helpers."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

from core.env import env_bool, env_database_url, env_int, env_list, env_str
from core.planes import CONTROL_PLANE_APPS, FRAMEWORK_APPS_IN_BOTH, TENANT_PLANE_APPS

REPO_DIR = Path(__file__).resolve().parents[3]
PLATFORM_DIR = REPO_DIR / "platform"

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)

# Tenants live at {slug}.{PLATFORM_DOMAIN}; the bare PLATFORM_DOMAIN is the platform host (sign-up,
# operators). Locally that is localhost:8000 and {slug}.localhost:8000.
PLATFORM_DOMAIN = env_str("PLATFORM_DOMAIN", "localhost").lower()
PLATFORM_SCHEME = env_str("PLATFORM_SCHEME", "http")
PLATFORM_PORT = env_str("PLATFORM_PORT", "8000")
ALLOWED_HOSTS = [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}", *env_list("EXTRA_ALLOWED_HOSTS", [])]

INSTALLED_APPS_THIRD_PARTY = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files served from here, not a CDN (offline, and under the CSP)
    "csp",
]

SHARED_APPS = [
    "django_tenants",
    *FRAMEWORK_APPS_IN_BOTH,
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    *INSTALLED_APPS_THIRD_PARTY,
    *CONTROL_PLANE_APPS,
    "console_frontend",
    "shop_api",
    "demo",
]
TENANT_APPS = [
    *FRAMEWORK_APPS_IN_BOTH,
    *TENANT_PLANE_APPS,
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenancy.Tenant"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
PUBLIC_SCHEMA_URLCONF = "config.urls_platform"
ROOT_URLCONF = "config.urls_tenant"
# New tenants copy this migrated schema instead of replaying every migration (see tenancy.provisioning).
TENANT_BASE_SCHEMA = "tenant_base"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_LIMIT_SET_CALLS = True
PG_DUMP = env_str("PG_DUMP", "pg_dump")  # writes the schema script new stores are made from
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    # First: what no view, database or parser can take is a 400 before anything else runs.
    "config.input_guard.InputGuardMiddleware",
    "control_plane.tenancy.middleware.TenantResolutionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.observability.TenantTagMiddleware",
    # Sessions, CSRF, the signed-in user, messages and frame options are for browsers: the shop API
    # (bearer tokens, JSON) skips them (config/middleware.py).
    "config.middleware.BrowserSessionMiddleware",
    "config.middleware.UnprefixedLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.BrowserCsrfViewMiddleware",
    "config.middleware.BrowserAuthenticationMiddleware",
    "config.middleware.BrowserMessageMiddleware",
    "config.middleware.BrowserXFrameOptionsMiddleware",
    "control_plane.tenancy.middleware.StoreStatusMiddleware",
    # Turns a lockout flagged during a login into the 429 lockout answer (console_frontend.passwords).
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Content-Security-Policy on every page (django-csp): scripts only from our own static files, never inline
# (the pages' behaviour lives in console/console.js and console/charts.js, driven by data attributes); inline
# style attributes are allowed. User media carries a stricter policy of its own (config.media).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Failed password logins (operator console, merchant console, any password form) are counted by django-axes,
# per account and per client IP separately; past the limit both lock for the cool-off, every attempt is kept
# (access logs and failure logs), and an operator can unlock an account from the operator console.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "console_frontend.passwords.login_username"
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "console_frontend.passwords.lockout_response"
AXES_VERBOSE = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "config.wsgi.application"

_db = env_database_url("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/distmall")
DATABASES = {
    "default": {
        "ENGINE": "core.postgresql_backend",
        "NAME": _db.name,
        "USER": _db.user,
        "PASSWORD": _db.password,
        "HOST": _db.host,
        "PORT": _db.port,
        "OPTIONS": _db.options,
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        "CONN_HEALTH_CHECKS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "distmall"),
        # Every cache key carries the tenant schema, so tenants never read each other's entries.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        # Redis down must not take the stores down: cache reads miss and lookups fall back to PostgreSQL
        # (logged, and /healthz reports it).
        "OPTIONS": {"IGNORE_EXCEPTIONS": True},
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 12
LOGIN_URL = "/console/login/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PLATFORM_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Static files come straight from the apps (whitenoise finders); production collects them (STATIC_ROOT).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(REPO_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Reverse proxies of ours in front of the app (each appends to X-Forwarded-For); 0 = the header is not trusted.
# core.client_ip reads it for every rate limit, anti-abuse check and audit record.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "shop_api.schema.ShopAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["shop_api.auth.MemberTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [],
    "EXCEPTION_HANDLER": "shop_api.errors.exception_handler",
    # JSON only: the API's documentation is the Swagger UI at /api/docs/, not DRF's browsable pages.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "shop_api.negotiation.SingleRendererNegotiation",
    "UNAUTHENTICATED_USER": None,
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # core.client_ip is the rule; DRF's own get_ident agrees with it
    # Throttle keys live in the cache, whose keys carry the store's schema: limits are per store.
    "DEFAULT_THROTTLE_CLASSES": ["shop_api.throttling.AnonThrottle", "shop_api.throttling.MemberThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_RATE_ANON", "120/min"),
        "user": env_str("API_RATE_MEMBER", "240/min"),
        "login": env_str("API_RATE_LOGIN", "20/min"),
    },
}
SPECTACULAR_SETTINGS = {"TITLE": "Distribution mall shop API", "VERSION": "1.0.0",
                        "SWAGGER_UI_DIST": "SIDECAR", "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
                        "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                                                 "shop_api.errors.document_errors"]}

# Celery: Redis broker; tenant tasks carry their schema (tenant-schemas-celery).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_TIMEZONE = TIME_ZONE

# Secrets stored in tenant schemas (merchant keys, app secrets) are encrypted with these Fernet keys
# (comma-separated, newest first). Development derives one from SECRET_KEY; production requires its own.
FIELD_ENCRYPTION_KEYS = tuple(env_list("FIELD_ENCRYPTION_KEYS", []) or [
    base64.urlsafe_b64encode(hashlib.sha256(("field-encryption:" + SECRET_KEY).encode()).digest()).decode()
])

# WeChat mini-program API; stores in sandbox mode use the local sandbox (platform/sandbox) instead.
WECHAT_API_BASE = env_str("WECHAT_API_BASE", "https://api.weixin.qq.com/")
WECHAT_SANDBOX_BASE = env_str("WECHAT_SANDBOX_BASE", "http://127.0.0.1:8099/wechat/")

# WeChat Pay v3 API base; stores in sandbox mode use the local sandbox instead.
WECHATPAY_API_BASE = env_str("WECHATPAY_API_BASE", "https://api.mch.weixin.qq.com")
WECHATPAY_SANDBOX_BASE = env_str("WECHATPAY_SANDBOX_BASE", "http://127.0.0.1:8099/wechatpay")

# Text messages (core.sms): Tencent Cloud SMS through its SDK. The defaults are the local sandbox's
# (platform/sandbox/tencent_sms.py), which checks the SDK's request signature like Tencent Cloud does.
SMS_PROVIDER = env_str("SMS_PROVIDER", "core.sms.TencentSms")
TENCENT_SMS_ENDPOINT = env_str("TENCENT_SMS_ENDPOINT", "http://127.0.0.1:8099")
TENCENT_SMS_SECRET_ID = env_str("TENCENT_SMS_SECRET_ID", "AKIDsandbox")
TENCENT_SMS_SECRET_KEY = env_str("TENCENT_SMS_SECRET_KEY", "sandbox-secret-key")
TENCENT_SMS_SDK_APP_ID = env_str("TENCENT_SMS_SDK_APP_ID", "1400000000")
TENCENT_SMS_SIGN_NAME = env_str("TENCENT_SMS_SIGN_NAME", "分销商城")
TENCENT_SMS_REGION = env_str("TENCENT_SMS_REGION", "ap-guangzhou")
SMS_TEMPLATES = {"login_code": env_str("SMS_TEMPLATE_LOGIN_CODE", "100001")}
# Where the H5 login page points a developer for the codes the sandbox "sent" (empty: not shown).
SMS_SANDBOX_OUTBOX = env_str("SMS_SANDBOX_OUTBOX", "http://127.0.0.1:8099/sms/outbox")
# Login codes: valid this long, this many wrong tries, and how often a phone or a client IP may ask for one.
SMS_CODE_TTL_S = env_int("SMS_CODE_TTL_S", 300, minimum=60)
SMS_CODE_MAX_TRIES = env_int("SMS_CODE_MAX_TRIES", 5, minimum=1)
SMS_CODE_INTERVAL_S = env_int("SMS_CODE_INTERVAL_S", 60, minimum=1)
SMS_CODE_PHONE_DAILY = env_int("SMS_CODE_PHONE_DAILY", 10, minimum=1)
SMS_CODE_IP_HOURLY = env_int("SMS_CODE_IP_HOURLY", 20, minimum=1)

# Parcel tracking provider (tenants.orders.tracking); the default is the local fake.
TRACKING_PROVIDER = env_str("TRACKING_PROVIDER", "tenants.orders.tracking.FakeTrackingProvider")

# Promotion steps of the order price pipeline (tenants.orders.calculations), in order, as dotted paths.
ORDER_PRICING_STEPS: list[str] = ["tenants.marketing.pricing.prices_step",
                                  "tenants.loyalty.pricing.member_price_step",
                                  "tenants.marketing.pricing.full_reduction_step",
                                  "tenants.marketing.pricing.coupons_step",
                                  "tenants.loyalty.pricing.points_step",
                                  "tenants.loyalty.pricing.member_shipping_step"]

# Stripe billing of merchants (billing/). Development and tests talk to the local Stripe sandbox.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "sk_test_sandbox")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "http://127.0.0.1:8099/stripe")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "whsec_sandbox")
BILLING_TRIAL_PLAN = env_str("BILLING_TRIAL_PLAN", "pro")  # the plan a new store tries
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 7, minimum=0)  # unpaid days before the store is suspended
BILLING_RETENTION_DAYS = env_int("BILLING_RETENTION_DAYS", 90, minimum=1)  # a closed store's data is kept this long

# Sign-up
SIGNUP_RATE_LIMIT = env_int("SIGNUP_RATE_LIMIT", 5, minimum=1)  # sign-ups per IP per window
SIGNUP_RATE_WINDOW_S = env_int("SIGNUP_RATE_WINDOW_S", 3600, minimum=1)
TENANT_HOST_CACHE_SECONDS = env_int("TENANT_HOST_CACHE_SECONDS", 300, minimum=0)

SENTRY_DSN = env_str("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "development")
SENTRY_TRACES_SAMPLE_RATE = float(env_int("SENTRY_TRACES_PERCENT", 0, minimum=0)) / 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "tenant": {"format": "%(asctime)s %(levelname)s [%(schema_name)s:%(domain_url)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tenant"], "formatter": "tenant"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # The stripe SDK logs every request at INFO; its errors reach us as exceptions anyway.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "stripe": {"level": "WARNING"}},
}

# Imported last so it sees every setting above; it does nothing unless SENTRY_DSN is set.
from config.observability import init_sentry  # noqa: E402

init_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)
