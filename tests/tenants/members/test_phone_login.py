"""Logging in with a phone number and a texted code: the code goes out through the Tencent Cloud SDK to a
sandbox that checks its TC3 signature; codes expire, are single use, die after too many wrong answers, and
are asked for at a limited rate per phone and per client IP; a code of one store logs nobody in at another;
two right answers at once log in once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.db import connections
from django_redis import get_redis_connection
from django_tenants.utils import schema_context

from core.errors import RateLimited, ValidationFailed
from core.sms import SmsFailed, TencentSms
from tenants.members.error_codes import MembersCode
from tenants.members.models import Member
from tenants.members.phone_login import login_code_send, member_login_phone
from tests.conftest import sms_code, store_for_real

PHONE = "13800138000"


def test_a_code_logs_in_once_and_makes_one_member(store_a, sms_sandbox):
    with schema_context(store_a.schema):
        assert login_code_send(phone=PHONE, client_ip="10.0.0.1") == 60
        [message] = sms_sandbox.messages(PHONE)
        assert message["template_id"] == "100001" and message["params"][1] == "5"  # valid for 5 minutes
        code = message["params"][0]
        assert len(code) == 6 and code.isdigit()
        member, token, created = member_login_phone(phone=PHONE, code=code)
        assert created and member.phone == PHONE and token
        with pytest.raises(ValidationFailed) as spent:
            member_login_phone(phone=PHONE, code=code)
        assert spent.value.code == MembersCode.SMS_CODE_EXPIRED  # single use
        cache.delete(f"sms-login-wait:{PHONE}")
        login_code_send(phone=PHONE, client_ip="10.0.0.1")
        again, _token, created = member_login_phone(phone=PHONE, code=sms_code(sms_sandbox, PHONE))
        assert not created and again.pk == member.pk
        assert Member.objects.filter(phone=PHONE).count() == 1


def test_wrong_answers_kill_the_code_and_an_old_code_expires(store_a, sms_sandbox, settings):
    with schema_context(store_a.schema):
        login_code_send(phone=PHONE, client_ip="10.0.0.1")
        code = sms_code(sms_sandbox, PHONE)
        wrong = f"{(int(code) + 1) % 1000000:06d}"
        for _try in range(settings.SMS_CODE_MAX_TRIES - 1):
            with pytest.raises(ValidationFailed) as refused:
                member_login_phone(phone=PHONE, code=wrong)
            assert refused.value.code == MembersCode.SMS_CODE_WRONG and "code" in refused.value.fields
        with pytest.raises(ValidationFailed):
            member_login_phone(phone=PHONE, code=wrong)  # the last try allowed: the code dies with it
        with pytest.raises(ValidationFailed) as dead:
            member_login_phone(phone=PHONE, code=code)  # even the right one is refused now
        assert dead.value.code == MembersCode.SMS_CODE_EXPIRED

        cache.delete(f"sms-login-wait:{PHONE}")
        login_code_send(phone=PHONE, client_ip="10.0.0.1")
        get_redis_connection("default").expire(cache.make_key(f"sms-login:{PHONE}"), 0)  # five minutes later
        with pytest.raises(ValidationFailed) as expired:
            member_login_phone(phone=PHONE, code=sms_code(sms_sandbox, PHONE))
        assert expired.value.code == MembersCode.SMS_CODE_EXPIRED
        assert not Member.objects.filter(phone=PHONE).exists()


def test_codes_are_limited_per_phone_and_per_client_ip(store_a, sms_sandbox, settings):
    settings.SMS_CODE_PHONE_DAILY, settings.SMS_CODE_IP_HOURLY = 3, 4
    with schema_context(store_a.schema):
        login_code_send(phone=PHONE, client_ip="10.0.0.1")
        with pytest.raises(RateLimited) as too_soon:
            login_code_send(phone=PHONE, client_ip="10.0.0.2")
        assert too_soon.value.code == MembersCode.SMS_TOO_SOON and "秒后" in too_soon.value.message
        for _n in range(2):
            cache.delete(f"sms-login-wait:{PHONE}")  # the minute has passed
            login_code_send(phone=PHONE, client_ip="10.0.0.1")
        cache.delete(f"sms-login-wait:{PHONE}")
        with pytest.raises(RateLimited) as daily:
            login_code_send(phone=PHONE, client_ip="10.0.0.3")
        assert daily.value.code == MembersCode.SMS_TOO_MANY and "phone" in daily.value.fields
        assert len(sms_sandbox.messages(PHONE)) == 3

        login_code_send(phone="13900000001", client_ip="10.0.0.1")  # the IP's 4th code this hour
        with pytest.raises(RateLimited) as by_ip:
            login_code_send(phone="13900000002", client_ip="10.0.0.1")
        assert by_ip.value.code == MembersCode.SMS_TOO_MANY
        assert sms_sandbox.messages("13900000002") == []


def test_a_code_of_one_store_does_not_log_in_at_another(store_a, store_b, sms_sandbox):
    with schema_context(store_a.schema):
        login_code_send(phone=PHONE, client_ip="10.0.0.1")
    with schema_context(store_b.schema), pytest.raises(ValidationFailed) as refused:
        member_login_phone(phone=PHONE, code=sms_code(sms_sandbox, PHONE))
    assert refused.value.code == MembersCode.SMS_CODE_EXPIRED
    with schema_context(store_b.schema):
        assert not Member.objects.filter(phone=PHONE).exists()


def test_bad_phone_numbers_are_refused_before_anything_is_sent(store_a, sms_sandbox):
    with schema_context(store_a.schema):
        for phone in ("", "1380013800", "23800138000", "1380013800a", "１３８００１３８０００"):
            with pytest.raises(ValidationFailed) as refused:
                login_code_send(phone=phone, client_ip="10.0.0.1")
            assert "phone" in refused.value.fields
        with pytest.raises(ValidationFailed) as no_code:
            member_login_phone(phone=PHONE, code="12a456")
        assert "code" in no_code.value.fields
    assert sms_sandbox.outbox == type(sms_sandbox.outbox)(maxlen=sms_sandbox.outbox.maxlen)


def test_the_sandbox_refuses_a_forged_or_stale_signature(sms_sandbox, settings):
    settings.TENCENT_SMS_SECRET_KEY = "not-the-key"
    with pytest.raises(SmsFailed) as forged:
        TencentSms().send(phone=PHONE, purpose="login_code", params=["123456", "5"])
    assert forged.value.code == "AuthFailure.SignatureFailure"
    settings.TENCENT_SMS_SECRET_KEY = "test-secret-key"
    sms_sandbox.clock = lambda: time.time() + 301  # a signature made over five minutes ago (a replay)
    with pytest.raises(SmsFailed) as stale:
        TencentSms().send(phone=PHONE, purpose="login_code", params=["123456", "5"])
    assert stale.value.code == "AuthFailure.SignatureExpire"
    sms_sandbox.clock = time.time
    settings.TENCENT_SMS_SECRET_ID = "AKIDunknown"
    with pytest.raises(SmsFailed) as unknown:
        TencentSms().send(phone=PHONE, purpose="login_code", params=["123456", "5"])
    assert unknown.value.code == "AuthFailure.SecretIdNotFound"
    assert sms_sandbox.messages() == []


def test_a_provider_failure_is_a_clear_refusal_and_leaves_no_code(store_a, sms_sandbox, settings):
    settings.TENCENT_SMS_SDK_APP_ID = "1400009999"
    with schema_context(store_a.schema):
        from core.errors import Conflict

        with pytest.raises(Conflict) as down:
            login_code_send(phone=PHONE, client_ip="10.0.0.1")
        assert down.value.code == MembersCode.SMS_UNAVAILABLE
        assert not cache.has_key(f"sms-login:{PHONE}") and not cache.has_key(f"sms-login-wait:{PHONE}")


@pytest.fixture
def committed_store(django_db_blocker):
    with django_db_blocker.unblock(), store_for_real("smsrace", "SMS race") as tenant:
        yield tenant


def test_two_right_answers_at_once_log_in_once(committed_store, sms_sandbox):
    with schema_context(committed_store.schema_name):
        login_code_send(phone=PHONE, client_ip="10.0.0.1")
    code = sms_code(sms_sandbox, PHONE)

    def answer(_n: int) -> str:
        try:
            with schema_context(committed_store.schema_name):
                member_login_phone(phone=PHONE, code=code)
                return "in"
        except ValidationFailed:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(answer, range(8)))
    assert sorted(outcomes) == ["in"] + ["refused"] * 7
    with schema_context(committed_store.schema_name):
        assert Member.objects.filter(phone=PHONE).count() == 1
