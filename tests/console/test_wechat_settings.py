"""The store's WeChat apps from the console: mini-program and official-account credentials with write-only
secrets (encrypted, never shown, kept when left blank), and a connection test against WeChat's token API
(the sandbox here) that reports WeChat's own refusal."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from core import crypto
from tenants.members.models import MiniProgram, OfficialAccount
from tests.conftest import assert_refused_in_place, console_login


@pytest.fixture
def owner(client_a, store_a, sandbox_port, settings):
    settings.WECHAT_SANDBOX_BASE = f"http://127.0.0.1:{sandbox_port}/wechat/"
    console_login(client_a, store_a.owner_login)
    return client_a


URL = "/console/store/wechat/"


def test_credentials_are_write_only_and_tested_against_wechat(owner, store_a, store_b, settings):
    saved = owner.post(URL, {"action": "save-official_account", "appid": "wxoa123", "secret": "oa-secret-1",
                             "ask_userinfo": "on"})
    assert saved.status_code == 302
    with schema_context(store_a.schema):
        account = OfficialAccount.objects.get()
        assert (account.appid, account.ask_userinfo) == ("wxoa123", True)
        assert crypto.decrypt(account.secret_encrypted, keys=settings.FIELD_ENCRYPTION_KEYS) == "oa-secret-1"
        OfficialAccount.objects.update(sandbox=True)  # as the demo's apps are
    with schema_context(store_b.schema):
        assert not OfficialAccount.objects.exists()  # another store's credentials are its own
    connection.set_schema_to_public()
    page = owner.get(URL).content.decode()
    assert "oa-secret-1" not in page and 'value="wxoa123"' in page
    assert owner.post(URL, {"action": "save-official_account", "appid": "wxoa456", "secret": ""}).status_code == 302
    with schema_context(store_a.schema):
        account = OfficialAccount.objects.get()
        assert account.appid == "wxoa456" and account.sandbox and not account.ask_userinfo
        assert crypto.decrypt(account.secret_encrypted, keys=settings.FIELD_ENCRYPTION_KEYS) == "oa-secret-1"
    connection.set_schema_to_public()
    tested = owner.post(URL, {"action": "test-official_account"})
    assert tested.status_code == 302 and "tested=official_account" in tested["Location"]

    owner.post(URL, {"action": "save-official_account", "appid": "wxoa456", "secret": "invalid-secret"})
    refused = owner.post(URL, {"action": "test-official_account"})
    assert refused.status_code == 400 and "invalid appsecret" in refused.content.decode() and "40125" in \
        refused.content.decode()


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", ["请填写 AppID。", "请填写 AppSecret。"]),
                                                    ("en", ["Please enter the AppID.", "Please enter the AppSecret."])])
def test_a_new_app_needs_both_in_both_languages(owner, store_a, language, expected):
    owner.cookies["django_language"] = language
    assert_refused_in_place(owner.post(URL, {"action": "save-miniprogram", "appid": " ", "secret": ""}),
                            fields=("appid", "secret"), texts=expected)
    with schema_context(store_a.schema):
        assert not MiniProgram.objects.exists()


def test_finance_may_not_see_the_secrets_page(client_a, store_a):
    console_login(client_a, store_a.staff_login)  # operations
    assert client_a.get(URL).status_code == 403
