"""邀请有礼 on the H5 pages: a member's invitation page gives their link and QR code; a visitor who opens the link
is rewarded to nobody until they sign in as a new member, and then the sharer sees the reward on their page; a code
of another store brings nobody in either."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.loyalty.points import points_balance
from tenants.marketing.models import ShareReferral, ShareReward
from tenants.marketing.sharing import share_code_for, share_settings_update
from tenants.members.models import Member
from tests.factories import MemberFactory
from tests.shop_api.test_h5_login import phone_login


def test_an_invitation_link_rewards_the_sharer_when_a_new_member_signs_in(client_a, store_a, sms_sandbox):
    with schema_context(store_a.schema):
        share_settings_update(enabled=True, new_member_points=50, new_member_coupons=False, order_points=100,
                              order_coupons=False, daily_cap=10, window_days=30)
    connection.set_schema_to_public()
    phone_login(client_a, "13800000021", sms_sandbox)
    page = client_a.get("/me/invite/").content.decode()
    assert "好友通过你的链接注册：50 积分" in page and "还没有好友通过你的链接加入。" in page
    link = re.search(r'data-share-link[^>]*value="([^"]+)"|value="([^"]+)"[^>]*data-share-link', page)
    url = next(part for part in link.groups() if part)
    assert "?sc=" in url and client_a.get("/me/invite/qr.png")["Content-Type"] == "image/png"
    friend = Client(HTTP_HOST=store_a.host)
    assert friend.get("/?sc=" + url.split("?sc=")[1]).status_code == 200
    with schema_context(store_a.schema):
        assert not ShareReferral.objects.exists()  # a click alone brings nothing
    connection.set_schema_to_public()
    phone_login(friend, "13800000022", sms_sandbox)
    with schema_context(store_a.schema):
        sharer = Member.objects.get(phone="13800000021")
        assert ShareReferral.objects.get().sharer == sharer and points_balance(member_id=sharer.pk) == 50
    connection.set_schema_to_public()
    mine = client_a.get("/me/invite/").content.decode()
    assert "邀请新会员" in mine and "+50" in mine and "已获得 50 积分" in mine


def test_another_stores_invitation_code_brings_nobody(client_a, store_a, store_b, sms_sandbox):
    with schema_context(store_a.schema):
        share_settings_update(enabled=True, new_member_points=50, new_member_coupons=False, order_points=100,
                              order_coupons=False, daily_cap=10, window_days=30)
        code = share_code_for(member=MemberFactory()).code
    with schema_context(store_b.schema):
        share_settings_update(enabled=True, new_member_points=50, new_member_coupons=False, order_points=100,
                              order_coupons=False, daily_cap=10, window_days=30)
    connection.set_schema_to_public()
    visitor = Client(HTTP_HOST=store_b.host)
    assert visitor.get(f"/?sc={code}").status_code == 200
    phone_login(visitor, "13800000023", sms_sandbox)
    for schema in (store_a.schema, store_b.schema):
        with schema_context(schema):
            assert not ShareReferral.objects.exists()
            assert not ShareReward.objects.exists()
    connection.set_schema_to_public()
