"""The merchant's members screens: the list with what each member bought and holds, filtered (bad filters said in
place), exported to Excel; one member's record with a points adjustment (a missing reason or taking more than
there is refused in place); the points rules with field errors; another store's member is not there."""

from __future__ import annotations

import io
import re

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tenants.crm.models import Segment, Tag
from tenants.loyalty.models import MemberLevel
from tenants.loyalty.points import loyalty_settings_get, points_balance, points_grant
from tenants.marketing.models import MemberCoupon
from tenants.marketing.services import CouponInput, coupon_create
from tenants.orders.models import Order
from tests.conftest import console_login
from tests.factories import MemberFactory


def _member_with_an_order(phone: str, nickname: str):
    member = MemberFactory(phone=phone, nickname=nickname)
    Order.objects.create(number=f"N{member.pk:012d}", member=member, idempotency_key=f"k-{member.pk:010d}",
                         goods_fen=12_000, payable_fen=12_000, paid_fen=12_000, status=Order.Status.PAID,
                         address={}, pay_deadline_at=timezone.now(), paid_at=timezone.now())
    return member


def test_member_list_filters_export_and_detail_with_points(client_a, store_a, store_b):
    with schema_context(store_a.schema):
        buyer = _member_with_an_order("13912345678", "小美")
        MemberFactory(phone="13700000000", nickname="路人")
        points_grant(member_id=buyer.pk, points=300, key="console:gift", memo="开业礼")
    with schema_context(store_b.schema):
        stranger = MemberFactory(phone="13600000000", nickname="别家")
    connection.set_schema_to_public()
    console_login(client_a, store_a.owner_login)
    page = client_a.get("/console/members/").content.decode()
    assert "小美" in page and "路人" in page and "139****5678" in page and "13912345678" not in page
    assert "别家" not in page
    buyers = client_a.get("/console/members/", {"buyers": "yes"}).content.decode()
    assert "小美" in buyers and "路人" not in buyers and "¥120.00" in buyers
    assert "路人" in client_a.get("/console/members/", {"q": "1370"}).content.decode()
    bad = client_a.get("/console/members/", {"joined_from": "2026-12-02", "joined_to": "2026-11-01",
                                              "min_spend": "abc"})
    assert bad.status_code == 400 and 'data-field="joined_to"' in bad.content.decode()
    assert 'data-field="min_spend"' in bad.content.decode()
    sheet = load_workbook(io.BytesIO(client_a.get("/console/members/export.xlsx", {"buyers": "yes"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("会员ID", "昵称", "手机号") and [r[1] for r in rows[1:]] == ["小美"]
    assert rows[1][2] == "139****5678" and rows[1][6] == 300

    detail = client_a.get(f"/console/members/{buyer.pk}/").content.decode()
    assert "开业礼" in detail and 'data-points>300<' in detail
    key = re.search(r'name="key" value="([^"]+)"', detail).group(1)
    no_reason = client_a.post(f"/console/members/{buyer.pk}/", {"direction": "add", "points": "50", "reason": "",
                                                                "key": key, "action": "points"})
    assert no_reason.status_code == 400 and 'data-field="reason"' in no_reason.content.decode()
    too_much = client_a.post(f"/console/members/{buyer.pk}/", {"direction": "remove", "points": "301",
                                                               "reason": "误发", "key": key, "action": "points"})
    assert too_much.status_code == 400 and "积分不足" in too_much.content.decode()
    deduct = {"direction": "remove", "points": "100", "reason": "误发", "key": key, "action": "points"}
    assert client_a.post(f"/console/members/{buyer.pk}/", deduct).status_code == 302
    assert client_a.post(f"/console/members/{buyer.pk}/", deduct).status_code == 302  # a resubmit: once
    with schema_context(store_a.schema):
        assert points_balance(member_id=buyer.pk) == 200
    connection.set_schema_to_public()
    assert client_a.get(f"/console/members/{stranger.pk + 1000}/").status_code == 404


def test_points_rules_are_checked_field_by_field(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    page = client_a.get("/console/members/points/")
    assert page.status_code == 200 and 'value="50.00"' in page.content.decode()
    fields = {"points_enabled": "on", "earn_points_per_yuan": "2", "redeem_points_per_yuan": "10",
              "redeem_max_share": "30", "redeem_min_points": "100", "sign_in_points": "5",
              "sign_in_streak_days": "7", "sign_in_streak_bonus": "20", "review_points": "10",
              "expiry": "rolling", "expiry_days": "365"}
    bad = client_a.post("/console/members/points/", {**fields, "redeem_points_per_yuan": "3",
                                                     "redeem_max_share": "150", "expiry_days": "10"})
    text = bad.content.decode()
    assert bad.status_code == 400
    assert 'data-field="redeem_points_per_yuan"' in text and 'data-field="redeem_max_share"' in text
    short = client_a.post("/console/members/points/", {**fields, "expiry_days": "10"})
    assert short.status_code == 400 and 'data-field="expiry_days"' in short.content.decode()
    assert client_a.post("/console/members/points/", fields).status_code == 302
    with schema_context(store_a.schema):
        rules = loyalty_settings_get()
        assert (rules.earn_points_per_yuan, rules.redeem_points_per_yuan, rules.redeem_max_share_bp,
                rules.expiry, rules.expiry_days) == (2, 10, 3000, "rolling", 365)


def test_levels_screen_and_a_members_level_change(client_a, store_a):
    with schema_context(store_a.schema):
        member = MemberFactory(nickname="老客")
    connection.set_schema_to_public()
    console_login(client_a, store_a.owner_login)
    page = client_a.get("/console/members/levels/").content.decode()
    assert "粉丝" in page and "VIP" in page and "合伙人" in page and "消费满 ¥500.00" in page
    blank = client_a.post("/console/members/levels/", {"rank": "2", "name": "", "rule": "any",
                                                       "points_multiplier_bp": "abc"})
    assert blank.status_code == 400 and 'data-field="name"' in blank.content.decode()
    assert 'data-field="points_multiplier_bp"' in blank.content.decode()
    bad = client_a.post("/console/members/levels/", {
        "rank": "2", "name": "黑卡", "spend_fen": "", "orders": "", "rule": "any", "price_off_bp": "60",
        "points_multiplier_bp": "100"})
    text = bad.content.decode()
    assert bad.status_code == 400  # the service's refusals in place: the rank is taken, no threshold, too much off
    assert all(f'data-field="{name}"' in text for name in ("rank", "spend_fen", "price_off_bp"))
    made = client_a.post("/console/members/levels/", {"rank": "4", "name": "至尊", "spend_fen": "10000",
                                                      "orders": "", "rule": "any", "price_off_bp": "15",
                                                      "free_shipping_over_fen": "0", "points_multiplier_bp": "200"})
    assert made.status_code == 302
    with schema_context(store_a.schema):
        top = MemberLevel.objects.get(rank=4)
        assert (top.spend_fen, top.price_off_bp, top.free_shipping_over_fen, top.points_multiplier_bp) == (
            1_000_000, 1500, 0, 20_000)
    connection.set_schema_to_public()
    edit = client_a.get(f"/console/members/levels/?edit={top.pk}").content.decode()
    assert 'value="至尊"' in edit and "编辑等级：至尊" in edit
    no_reason = client_a.post(f"/console/members/{member.pk}/", {"rank": "4", "reason": "", "action": "level"})
    assert no_reason.status_code == 400 and 'data-field="reason"' in no_reason.content.decode()
    moved = client_a.post(f"/console/members/{member.pk}/", {"rank": "4", "reason": "品牌大使", "action": "level"})
    assert moved.status_code == 302
    detail = client_a.get(f"/console/members/{member.pk}/").content.decode()
    assert 'data-level="4">至尊<' in detail and "品牌大使" in detail and "粉丝 → 至尊" in detail
    assert client_a.post("/console/members/levels/", {"level": top.pk, "action": "delete"}).status_code == 302
    with schema_context(store_a.schema):
        assert not MemberLevel.objects.filter(rank=4).exists()


def test_the_merchant_exports_and_erases_a_member_and_sees_the_requests(client_a, store_a):
    with schema_context(store_a.schema):
        member = MemberFactory(nickname="要注销的", phone="13500000000")
    connection.set_schema_to_public()
    console_login(client_a, store_a.owner_login)
    exported = client_a.post(f"/console/members/{member.pk}/", {"action": "export"})
    assert exported["Content-Type"] == "application/json" and "要注销的" in exported.content.decode()
    assert client_a.post(f"/console/members/{member.pk}/", {"action": "erase"}).status_code == 302
    detail = client_a.get(f"/console/members/{member.pk}/").content.decode()
    assert "已注销用户" in detail and 'value="erase"' not in detail
    listed = client_a.get("/console/members/privacy/").content.decode()
    assert listed.count('data-request="done"') == 2 and "ann@alpha.test" in listed


def test_segments_and_tags_screen_and_a_coupon_given_to_a_segment(client_a, store_a):
    with schema_context(store_a.schema):
        buyer = _member_with_an_order("13912340000", "老客")
        MemberFactory(nickname="新客")
        coupon = coupon_create(values=CouponInput(name="回馈券", kind="amount_off", amount_fen=500, total_quantity=10,
                                                  valid_days=7))
    connection.set_schema_to_public()
    console_login(client_a, store_a.owner_login)
    assert "还没有分群" in client_a.get("/console/members/audiences/").content.decode()
    bad = client_a.post("/console/members/audiences/", {"action": "segment", "segment-name": "空"})
    assert bad.status_code == 400 and 'data-field="segment-paid_within_days"' in bad.content.decode()
    made = client_a.post("/console/members/audiences/", {"action": "segment", "segment-name": "下过单",
                                                         "segment-min_orders": "1"})
    assert made.status_code == 302
    assert client_a.post("/console/members/audiences/", {"action": "tag", "tag-name": "美学推荐官"}).status_code == 302
    page = client_a.get("/console/members/audiences/").content.decode()
    assert 'data-segment="下过单"' in page and 'data-tag="美学推荐官"' in page
    with schema_context(store_a.schema):
        segment = Segment.objects.get(name="下过单")
        tag = Tag.objects.get(name="美学推荐官")
    connection.set_schema_to_public()
    assert client_a.post(f"/console/members/{buyer.pk}/", {"action": "tag_on", "tag": tag.pk}).status_code == 302
    assert "美学推荐官" in client_a.get(f"/console/members/{buyer.pk}/").content.decode()
    coupons = client_a.get("/console/marketing/coupons/").content.decode()
    assert f'value="seg:{segment.pk}"' in coupons
    issued = client_a.post("/console/marketing/coupons/", {"action": "issue", "coupon": coupon.pk,
                                                           "segment": f"seg:{segment.pk}"})
    assert issued.status_code == 302
    with schema_context(store_a.schema):
        assert list(MemberCoupon.objects.values_list("member_id", flat=True)) == [buyer.pk]
    connection.set_schema_to_public()
    assert client_a.post("/console/members/audiences/", {"action": "tag_delete", "id": tag.pk}).status_code == 302
    assert client_a.post("/console/members/audiences/", {"action": "segment_delete",
                                                         "id": segment.pk}).status_code == 302
    with schema_context(store_a.schema):
        assert not Tag.objects.exists() and not Segment.objects.exists()
