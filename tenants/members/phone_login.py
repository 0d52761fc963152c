"""Logging in with a phone number and a text-message code (the H5 store outside WeChat, and any client).

A code is six random digits, kept in Redis only as an HMAC (a Redis dump shows no usable code), for
SMS_CODE_TTL_S; it is spent by the first right answer and dies after SMS_CODE_MAX_TRIES wrong ones, both
decided by one Lua script so two racing answers cannot both log in. Asking for a code is limited per phone
(one every SMS_CODE_INTERVAL_S in this store, SMS_CODE_PHONE_DAILY a day across the platform, since the
messages are the platform's cost) and per client IP (SMS_CODE_IP_HOURLY an hour in this store). Codes and
the per-store limits are keyed by the cache's key function, so they belong to the store's schema: a code
sent by store A does not log anyone in at store B.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_redis import get_redis_connection
from redis.exceptions import RedisError

from core.errors import Conflict, RateLimited, ValidationFailed
from core.events import publish
from core.locks import advisory_xact_lock
from core.schema import current_schema
from core.sms import SmsFailed, sms_provider
from core.text import ascii_digits

from .error_codes import MembersCode
from .events import MemberJoined
from .models import Member
from .tokens import member_token_issue

CODE_DIGITS = 6

# KEYS[1] the code's hash; ARGV: the answer's digest, the tries allowed. 1 right (the code is spent), 0 wrong,
# -1 no code (never sent, expired, spent, or killed by too many wrong answers).
_CHECK = """
local digest = redis.call('HGET', KEYS[1], 'digest')
if not digest then return -1 end
if digest == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
if redis.call('HINCRBY', KEYS[1], 'tries', 1) >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) end
return 0
"""


def phone_problem(phone: str) -> str | None:
    if not (ascii_digits(phone) and len(phone) == 11 and phone.startswith("1")):
        return _("请填写 11 位手机号。")
    return None


def _digest(phone: str, code: str) -> str:
    message = f"{current_schema()}:{phone}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _code_key(phone: str) -> str:
    return cache.make_key(f"sms-login:{phone}")


def _unavailable() -> Conflict:
    return Conflict(_("短信服务暂不可用，请稍后再试。"), code=MembersCode.SMS_UNAVAILABLE)


def _count(redis, key: str, *, window_s: int) -> int:
    """Count one in a fixed window that starts with its first count."""
    pipe = redis.pipeline()
    pipe.set(key, 0, nx=True, ex=window_s)
    pipe.incr(key)
    return pipe.execute()[1]


def login_code_send(*, phone: str, client_ip: str) -> int:
    """Text a login code to ``phone``. Returns the seconds before another may be asked for. Refuses (429) a
    phone asked for again too soon or too often, and a client IP asking for too many."""
    if problem := phone_problem(phone):
        raise ValidationFailed(problem, fields={"phone": [problem]})
    redis = get_redis_connection("default")
    interval = settings.SMS_CODE_INTERVAL_S
    try:
        if not redis.set(cache.make_key(f"sms-login-wait:{phone}"), 1, nx=True, ex=interval):
            wait = max(int(redis.ttl(cache.make_key(f"sms-login-wait:{phone}"))), 1)
            raise RateLimited(_("验证码已发送，请 %(seconds)s 秒后再获取。") % {"seconds": wait},
                              code=MembersCode.SMS_TOO_SOON, fields={"phone": [_("请稍后再获取验证码。")]})
        hour, day = timezone.now().strftime("%Y%m%d%H"), timezone.now().strftime("%Y%m%d")
        if _count(redis, cache.make_key(f"sms-login-ip:{client_ip}:{hour}"), window_s=3600) \
                > settings.SMS_CODE_IP_HOURLY:
            raise RateLimited(_("获取验证码过于频繁，请一小时后再试。"), code=MembersCode.SMS_TOO_MANY)
        # Platform-wide (not the store's key function): text messages are the platform's cost.
        if _count(redis, f"{settings.CACHES['default']['KEY_PREFIX']}:sms-phone-day:{phone}:{day}",
                  window_s=86400) > settings.SMS_CODE_PHONE_DAILY:
            raise RateLimited(_("这个手机号今天获取验证码的次数已达上限，请明天再试。"), code=MembersCode.SMS_TOO_MANY,
                              fields={"phone": [_("今天的次数已用完。")]})
        code = "".join(secrets.choice("0123456789") for _digit in range(CODE_DIGITS))
        pipe = redis.pipeline()
        pipe.delete(_code_key(phone))
        pipe.hset(_code_key(phone), mapping={"digest": _digest(phone, code), "tries": 0})
        pipe.expire(_code_key(phone), settings.SMS_CODE_TTL_S)
        pipe.execute()
    except RedisError:
        raise _unavailable() from None
    try:
        sms_provider().send(phone=phone, purpose="login_code",
                            params=[code, str(settings.SMS_CODE_TTL_S // 60)])
    except SmsFailed as failure:
        redis.delete(_code_key(phone), cache.make_key(f"sms-login-wait:{phone}"))
        if failure.code.startswith("InvalidParameterValue.IncorrectPhoneNumber"):
            unreachable = _("这个手机号收不到短信。")
            raise ValidationFailed(unreachable, fields={"phone": [unreachable]}) from None
        raise _unavailable() from None
    return interval


def member_login_phone(*, phone: str, code: str) -> tuple[Member, str, bool]:
    """Log in with the code texted to ``phone``: the store's member with that phone (the oldest, if the same
    number was bound to two WeChat identities), or a new one. Returns (member, token, is_new)."""
    if problem := phone_problem(phone):
        raise ValidationFailed(problem, fields={"phone": [problem]})
    if not (ascii_digits(code) and len(code) == CODE_DIGITS):
        raise ValidationFailed(_("请填写 6 位验证码。"), fields={"code": [_("请填写 6 位验证码。")]})
    try:
        verdict = get_redis_connection("default").eval(_CHECK, 1, _code_key(phone), _digest(phone, code),
                                                        settings.SMS_CODE_MAX_TRIES)
    except RedisError:
        raise _unavailable() from None
    if verdict == -1:
        raise ValidationFailed(_("验证码已失效，请重新获取。"), code=MembersCode.SMS_CODE_EXPIRED,
                               fields={"code": [_("验证码已失效，请重新获取。")]})
    if verdict != 1:
        raise ValidationFailed(_("验证码不正确。"), code=MembersCode.SMS_CODE_WRONG,
                               fields={"code": [_("验证码不正确。")]})
    with transaction.atomic():
        advisory_xact_lock(f"member-phone:{phone}")  # one new member per number, however many log in at once
        member = Member.objects.filter(phone=phone, is_active=True).order_by("pk").first()
        created = member is None
        if member is None:
            member = Member.objects.create(phone=phone)
            publish(MemberJoined(member_id=member.pk))
        member.last_login_at = timezone.now()
        member.save(update_fields=["last_login_at"])
    return member, member_token_issue(member=member), created
