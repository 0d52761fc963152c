"""Rules for store slugs and owner logins, shared by the sign-up form and the API."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

SLUG_MIN, SLUG_MAX = 3, 30
_SLUG = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")

RESERVED_SLUGS = frozenset(
    {
        "www", "admin", "api", "static", "media", "public", "app", "apps", "console", "platform", "operator",
        "operators", "mail", "email", "smtp", "imap", "pop", "ftp", "help", "support", "status", "billing",
        "signup", "sign-up", "login", "logout", "auth", "oauth", "cdn", "assets", "docs", "blog", "dev",
        "test", "staging", "demo-admin", "root", "system", "shop", "store", "pay", "wechat", "stripe",
        "webhook", "webhooks", "healthz", "metrics", "localhost", "tenant-base",
    }
)


def normalize_slug(raw: str) -> str:
    # Host names are case-insensitive, so slugs are stored lower-case: "MyShop" and "myshop" are one store.
    return raw.strip().lower()


def slug_problems(slug: str) -> list[str]:
    if not slug:
        return [_("请填写店铺域名前缀。")]
    if not SLUG_MIN <= len(slug) <= SLUG_MAX:
        return [_("长度需为 %(min)s 到 %(max)s 个字符。") % {"min": SLUG_MIN, "max": SLUG_MAX}]
    if not _SLUG.match(slug):
        return [_("只能使用小写字母、数字和连字符，以字母开头，且不能以连字符结尾。")]
    if "--" in slug:
        return [_("不能包含连续的连字符。")]
    if slug in RESERVED_SLUGS:
        return [_("“%(slug)s” 是保留名称，请换一个。") % {"slug": slug}]
    return []


def normalize_owner_login(raw: str) -> str:
    value = raw.strip()
    digits = value.replace(" ", "").replace("-", "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if _MOBILE.match(digits):
        return digits
    return value.lower()


def owner_login_problems(login: str) -> list[str]:
    if not login:
        return [_("请填写邮箱或手机号。")]
    if _MOBILE.match(login) or (_EMAIL.match(login) and len(login) <= 254):
        return []
    return [_("请输入有效的邮箱地址或中国大陆手机号。")]


def schema_name_for(slug: str) -> str:
    return "t_" + slug.replace("-", "_")
