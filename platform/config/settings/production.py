"""Production: safe by default. A real secret is required; cookies are secure; HSTS is on; only the
platform domain, its tenant subdomains and verified custom domains are allowed hosts."""

from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_int, env_list, env_str

from .base import *  # noqa: F403
from .base import PLATFORM_DOMAIN, REPO_DIR

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only") or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a real secret of at least 50 random characters.")
FIELD_ENCRYPTION_KEYS = tuple(env_list("FIELD_ENCRYPTION_KEYS"))
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must list at least one Fernet key in production.")
if PLATFORM_DOMAIN in {"localhost", "127.0.0.1"}:
    raise ImproperlyConfigured("PLATFORM_DOMAIN must be the public domain in production, not localhost.")
# Billing talks to the real Stripe in production: no sandbox default for the key, the secret or the address.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
if not STRIPE_SECRET_KEY.startswith(("sk_live_", "sk_test_", "rk_live_", "rk_test_")):
    raise ImproperlyConfigured("STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_… or rk_…).")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
if not STRIPE_WEBHOOK_SECRET.startswith("whsec_"):
    raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET must be the endpoint's signing secret (whsec_…).")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com")
# Text messages go to Tencent Cloud: no sandbox default for the address or the credentials.
TENCENT_SMS_ENDPOINT = env_str("TENCENT_SMS_ENDPOINT", "https://sms.tencentcloudapi.com")
TENCENT_SMS_SECRET_ID = env_str("TENCENT_SMS_SECRET_ID")
TENCENT_SMS_SECRET_KEY = env_str("TENCENT_SMS_SECRET_KEY")
TENCENT_SMS_SDK_APP_ID = env_str("TENCENT_SMS_SDK_APP_ID")
for _name in ("TENCENT_SMS_SECRET_ID", "TENCENT_SMS_SECRET_KEY", "TENCENT_SMS_SDK_APP_ID"):
    if not globals()[_name].strip():
        raise ImproperlyConfigured(f"{_name} must be set: shoppers log in with text-message codes.")
SMS_SANDBOX_OUTBOX = ""

# Hosts: the platform domain, its subdomains and custom domains that were verified (read lazily from the
# tenancy tables, so verifying a domain needs no redeploy).
from control_plane.tenancy.hosts import VerifiedHosts  # noqa: E402

ALLOWED_HOSTS = VerifiedHosts([PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}"])

STATIC_ROOT = env_str("STATIC_ROOT", str(REPO_DIR / "staticfiles"))
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

PLATFORM_SCHEME = "https"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
