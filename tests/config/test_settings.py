"""Settings come from the environment through typed readers that fail loudly; production is safe by
default; .env.example lists every variable."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from control_plane.tenancy.hosts import VerifiedHosts
from control_plane.tenancy.models import Domain
from core.env import env_bool, env_database_url, env_int, env_list

REPO = Path(__file__).resolve().parents[2]
GOOD_SECRET = "k" * 20 + "x9Qz!7@Lm#2vB$8nR%4tY^6wE&1uI*3oP(5a"


def test_typed_readers_fail_loudly_naming_the_variable(monkeypatch):
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env_int("X_INT")
    monkeypatch.setenv("X_INT", "3")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env_int("X_INT", minimum=5)
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_URL", "mysql://db/x")
    with pytest.raises(ImproperlyConfigured, match="X_URL"):
        env_database_url("X_URL")
    monkeypatch.delenv("X_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X_MISSING"):
        env_int("X_MISSING")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_list("X_LIST") == ["a", "b", "c"]
    monkeypatch.setenv("X_URL", "postgres://u:p%40ss@db.internal:6432/mall?sslmode=require")
    url = env_database_url("X_URL")
    assert (url.user, url.password, url.host, url.port, url.name, url.options) == (
        "u", "p@ss", "db.internal", "6432", "mall", {"sslmode": "require"})


def _production(**env) -> subprocess.CompletedProcess:
    code = ("import django; from django.conf import settings; django.setup(); "
            "import json; print(json.dumps({'debug': settings.DEBUG, 'session': settings.SESSION_COOKIE_SECURE, "
            "'csrf': settings.CSRF_COOKIE_SECURE, 'hsts': settings.SECURE_HSTS_SECONDS, "
            "'hosts': list(list.__iter__(settings.ALLOWED_HOSTS))}))")
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "PLATFORM_", "FIELD_", "STRIPE_", "TENCENT_SMS_"))}
    stripe = {"STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_WEBHOOK_SECRET": "whsec_x", "TENCENT_SMS_SECRET_ID": "AKIDx",
              "TENCENT_SMS_SECRET_KEY": "k", "TENCENT_SMS_SDK_APP_ID": "1400000001"}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={**base, "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
                               "DJANGO_SETTINGS_MODULE": "config.settings.production", **stripe, **env})


def test_production_refuses_to_start_without_a_real_secret():
    missing = _production(PLATFORM_DOMAIN="mall.example.com", FIELD_ENCRYPTION_KEYS="x")
    assert missing.returncode != 0 and "DJANGO_SECRET_KEY" in missing.stderr
    weak = _production(DJANGO_SECRET_KEY="short", PLATFORM_DOMAIN="mall.example.com", FIELD_ENCRYPTION_KEYS="x")
    assert weak.returncode != 0 and "at least 50" in weak.stderr


def test_production_refuses_localhost_and_missing_encryption_keys():
    local = _production(DJANGO_SECRET_KEY=GOOD_SECRET, PLATFORM_DOMAIN="localhost", FIELD_ENCRYPTION_KEYS="x")
    assert local.returncode != 0 and "PLATFORM_DOMAIN" in local.stderr
    no_keys = _production(DJANGO_SECRET_KEY=GOOD_SECRET, PLATFORM_DOMAIN="mall.example.com")
    assert no_keys.returncode != 0 and "FIELD_ENCRYPTION_KEYS" in no_keys.stderr


def test_production_refuses_to_bill_without_stripe_keys():
    good = {"DJANGO_SECRET_KEY": GOOD_SECRET, "PLATFORM_DOMAIN": "mall.example.com", "FIELD_ENCRYPTION_KEYS": "x"}
    no_key = _production(**good, STRIPE_SECRET_KEY="")
    assert no_key.returncode != 0 and "STRIPE_SECRET_KEY" in no_key.stderr
    publishable = _production(**good, STRIPE_SECRET_KEY="pk_live_oops")
    assert publishable.returncode != 0 and "secret or restricted key" in publishable.stderr
    no_secret = _production(**good, STRIPE_WEBHOOK_SECRET="")
    assert no_secret.returncode != 0 and "STRIPE_WEBHOOK_SECRET" in no_secret.stderr


def test_production_refuses_to_send_text_messages_without_tencent_cloud_credentials():
    good = {"DJANGO_SECRET_KEY": GOOD_SECRET, "PLATFORM_DOMAIN": "mall.example.com", "FIELD_ENCRYPTION_KEYS": "x"}
    for name in ("TENCENT_SMS_SECRET_ID", "TENCENT_SMS_SECRET_KEY", "TENCENT_SMS_SDK_APP_ID"):
        missing = _production(**good, **{name: ""})
        assert missing.returncode != 0 and name in missing.stderr


def test_production_is_safe_by_default():
    result = _production(DJANGO_SECRET_KEY=GOOD_SECRET, PLATFORM_DOMAIN="mall.example.com",
                         FIELD_ENCRYPTION_KEYS="bmV2ZXItdXNlZC1oZXJlLWJ1dC12YWxpZC1sZW5ndGgtMzI=",
                         DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    values = __import__("json").loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is False  # DJANGO_DEBUG cannot switch debug on in production
    assert values["session"] and values["csrf"] and values["hsts"] >= 31536000
    assert values["hosts"] == ["mall.example.com", ".mall.example.com"]


def test_verified_custom_domains_become_allowed_hosts(store_a):
    hosts = VerifiedHosts(["mall.example.com", ".mall.example.com"])
    Domain.objects.create(domain="shop.alpha-brand.test", tenant=store_a.tenant, is_primary=False, is_custom=True,
                          is_verified=True)
    Domain.objects.create(domain="pending.alpha-brand.test", tenant=store_a.tenant, is_primary=False,
                          is_custom=True, is_verified=False)
    allowed = list(hosts)
    assert "shop.alpha-brand.test" in allowed
    assert "pending.alpha-brand.test" not in allowed


def test_env_example_lists_every_variable():
    names = set()
    for path in (REPO / "platform" / "config" / "settings").glob("*.py"):
        names |= set(re.findall(r'env_\w+\("([A-Z0-9_]+)"', path.read_text()))
    listed = set(re.findall(r"^([A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.MULTILINE))
    assert names, "no env readers found"
    assert names <= listed, sorted(names - listed)
