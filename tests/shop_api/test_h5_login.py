"""Logging in on the H5 pages: with a phone and a texted code anywhere, with the store's official account inside
WeChat's browser (wechatpy's web OAuth against the sandbox, one member with the mini-program by unionid); a
forged OAuth return logs nobody in; a distributor's share link binds the shopper once they are in, and a link
of another store binds nobody."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.distribution.models import Binding
from tenants.distribution.network import distributor_share_token
from tenants.members.models import Member
from tenants.members.services import official_account_configure
from tests.conftest import sms_code
from tests.shop_api.conftest import login as miniprogram_login
from tests.tenants.distribution.builders import make_distributor

PHONE = "13700137000"
WECHAT_UA = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI"


def phone_login(client: Client, phone: str, sms_sandbox, *, next_url: str = "") -> object:
    sent = client.post("/login/", {"phone": phone, "action": "send", "next": next_url})
    assert sent.status_code == 200 and "验证码已发送" in sent.content.decode()
    return client.post("/login/", {"phone": phone, "code": sms_code(sms_sandbox, phone), "action": "login",
                                   "next": next_url})


def test_phone_login_signs_in_and_goes_back(client_a, store_a, sms_sandbox):
    assert client_a.get("/me/")["Location"] == "/login/?next=%2Fme%2F"  # the shopper's page needs a login
    page = client_a.get("/login/?next=/products/").content.decode()
    assert "获取验证码" in page and "微信一键登录" not in page  # not in WeChat: the phone form only
    signed_in = phone_login(client_a, PHONE, sms_sandbox, next_url="/products/")
    assert signed_in.status_code == 302 and signed_in["Location"] == "/products/"
    cookie = signed_in.cookies["h5_token"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    me = client_a.get("/me/").content.decode()
    assert "137****7000" in me
    client_a.post("/logout/")
    assert client_a.get("/me/").status_code == 302


def test_login_refusals_are_shown_in_place(client_a, store_a, sms_sandbox):
    bad = client_a.post("/login/", {"phone": "1234", "action": "send"})
    assert bad.status_code == 400 and "请填写 11 位手机号" in bad.content.decode()
    client_a.post("/login/", {"phone": PHONE, "action": "send"})
    again = client_a.post("/login/", {"phone": PHONE, "action": "send"})
    assert again.status_code == 429 and "秒后再获取" in again.content.decode()
    wrong = client_a.post("/login/", {"phone": PHONE, "code": "000000" if sms_code(sms_sandbox, PHONE) != "000000"
                                      else "111111", "action": "login"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert "h5_token" not in wrong.cookies
    english = client_a.post("/login/", {"phone": PHONE, "code": "12", "action": "login"},
                            HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and "6-digit code" in english.content.decode()


def test_login_never_sends_the_shopper_to_another_site(client_a, sms_sandbox):
    signed_in = phone_login(client_a, PHONE, sms_sandbox, next_url="https://evil.example/steal")
    assert signed_in["Location"] == "/me/"


@pytest.fixture
def official_account(store_a, wechat_sandbox):
    with schema_context(store_a.schema):
        official_account_configure(appid="wxoaalpha", secret="oa-secret", ask_userinfo=True, sandbox=True)
    connection.set_schema_to_public()


def _wechat_round_trip(client: Client, *, user: str, consent: str = "allow", next_url: str = "/products/",
                       scope: str = "snsapi_userinfo"):
    """The shopper opens the login page in WeChat, WeChat (the sandbox) asks and sends them back."""
    start = client.get(f"/login/?next={next_url}", HTTP_USER_AGENT=WECHAT_UA)
    assert start.status_code == 302 and start["Location"].startswith("/login/wechat/")
    to_wechat = client.get(start["Location"], HTTP_USER_AGENT=WECHAT_UA)
    authorize = urlsplit(to_wechat["Location"])
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert query["scope"] == scope and query["appid"] == "wxoaalpha"
    asked = requests.get(to_wechat["Location"].split("#")[0], timeout=5)
    assert ("网页申请获取你的昵称" in asked.text) == (scope == "snsapi_userinfo")
    answered = requests.get(to_wechat["Location"].split("#")[0], params={"user": user, "consent": consent},
                            allow_redirects=False, timeout=5)
    back = urlsplit(answered.headers["Location"])
    assert back.path == "/login/wechat/done/"
    return client.get(f"{back.path}?{back.query}", HTTP_USER_AGENT=WECHAT_UA)


def test_wechat_web_login_is_the_same_member_as_the_mini_program(client_a, store_a, official_account):
    miniprogram_login(store_a.host, "alice")  # Alice first bought through the mini-program
    done = _wechat_round_trip(client_a, user="alice")
    assert done.status_code == 302 and done["Location"] == "/products/"
    with schema_context(store_a.schema):
        alice = Member.objects.get()
        assert alice.oa_openid and alice.openid and alice.nickname == "alice"
    assert "alice" in client_a.get("/me/").content.decode()


def test_a_refusal_at_wechat_falls_back_to_the_phone(client_a, store_a, official_account):
    denied = _wechat_round_trip(client_a, user="bob", consent="deny")
    assert denied.status_code == 200 and "没有同意微信授权" in denied.content.decode()
    with schema_context(store_a.schema):
        assert not Member.objects.exists()


def test_a_forged_or_replayed_oauth_return_logs_nobody_in(client_a, store_a, official_account):
    forged = client_a.get("/login/wechat/done/?code=sbxanything&state=guessed", HTTP_USER_AGENT=WECHAT_UA)
    assert forged.status_code == 400 and "h5_token" not in forged.cookies
    done = _wechat_round_trip(client_a, user="carol")
    assert done.status_code == 302
    replayed = Client(HTTP_HOST=store_a.host).get(done.request["PATH_INFO"] + "?" + done.request["QUERY_STRING"])
    assert replayed.status_code == 400 and "h5_token" not in replayed.cookies  # another browser, no state


def test_a_share_link_binds_the_shopper_at_login(client_a, store_a, store_b, sms_sandbox):
    with schema_context(store_a.schema):
        sharer = make_distributor()
        token = distributor_share_token(distributor=sharer)
        product_link = f"/?dc={token}&product=123"
    connection.set_schema_to_public()
    opened = client_a.get(product_link)
    assert opened.status_code == 302 and opened["Location"] == "/products/123/"
    phone_login(client_a, PHONE, sms_sandbox)
    with schema_context(store_a.schema):
        binding = Binding.objects.get()
        assert binding.distributor_id == sharer.pk and binding.member.phone == PHONE
        assert binding.source == "link"

    # Store A's link opened on store B's host binds nobody there, and says so.
    other = Client(HTTP_HOST=store_b.host)
    refused = other.get(f"/?dc={token}")
    assert "分享链接无效或来自其他店铺" in refused.content.decode()
    assert "h5_dc" not in refused.cookies


def test_a_signed_in_shopper_is_bound_at_once(client_a, store_a, sms_sandbox):
    phone_login(client_a, PHONE, sms_sandbox)
    with schema_context(store_a.schema):
        sharer = make_distributor()
        token = distributor_share_token(distributor=sharer)
    connection.set_schema_to_public()
    client_a.get(f"/products/?dc={token}&src=poster")
    with schema_context(store_a.schema):
        assert Binding.objects.get().source == "poster"
