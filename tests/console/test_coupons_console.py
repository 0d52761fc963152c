"""The merchant's coupons screen: a new coupon from the form (refusals by field, in place), listed with what was
claimed and used; paused, resumed and ended; a customer-service login cannot open it. The share-rewards screen
saves its rules with field errors."""

from __future__ import annotations

import io
import re

from django.db import connection
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tenants.marketing.models import Coupon, MemberCoupon
from tenants.marketing.services import coupon_claim, marketing_settings_get
from tenants.marketing.sharing import share_settings_get
from tests.conftest import console_login
from tests.factories import MemberFactory

URL = "/console/marketing/coupons/"


def test_create_list_pause_and_end(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    assert "新建优惠券" in client_a.get(URL).content.decode()
    bad = client_a.post(URL, {"name": "", "kind": "amount_off", "amount_fen": "30", "threshold_fen": "20",
                              "scope": "all", "total_quantity": "0", "per_member_limit": "1"})
    page = bad.content.decode()
    assert bad.status_code == 400 and 'data-field="name"' in page and 'data-field="total_quantity"' in page
    wrong = client_a.post(URL, {"name": "满99减10", "kind": "amount_off", "amount_fen": "10", "threshold_fen": "99",
                                "scope": "all", "total_quantity": "100", "per_member_limit": "1"})
    assert wrong.status_code == 400 and "二选一" in wrong.content.decode()  # neither validity given
    made = client_a.post(URL, {"name": "满99减10", "kind": "amount_off", "amount_fen": "10", "threshold_fen": "99",
                               "scope": "all", "total_quantity": "100", "per_member_limit": "2", "valid_days": "7",
                               "claimable": "on"})
    assert made.status_code == 302
    percent = client_a.post(URL, {"name": "八五折", "kind": "percent_off", "percent_off_bp": "8.5",
                                  "max_discount_fen": "50", "scope": "all", "total_quantity": "10",
                                  "per_member_limit": "1", "valid_days": "3"})
    assert percent.status_code == 302
    with schema_context(store_a.schema):
        coupon = Coupon.objects.get(name="满99减10")
        assert (coupon.amount_fen, coupon.threshold_fen, coupon.per_member_limit) == (1000, 9900, 2)
        assert Coupon.objects.get(name="八五折").percent_off_bp == 1500
        coupon_claim(member=MemberFactory(), coupon_id=coupon.pk)
    connection.set_schema_to_public()
    listed = client_a.get(URL).content.decode()
    assert "满 99.00 减 10.00" in listed and "1 / 100" in listed and "8.5 折，最多减 50.00" in listed
    assert client_a.post(URL, {"coupon": coupon.pk, "action": "pause"}).status_code == 302
    again = client_a.post(URL, {"coupon": coupon.pk, "action": "pause"})
    assert again.status_code == 400 and "不能暂停" in again.content.decode()
    client_a.post(URL, {"coupon": coupon.pk, "action": "end"})
    with schema_context(store_a.schema):
        assert Coupon.objects.get(pk=coupon.pk).status == "ended"
    connection.set_schema_to_public()


def test_issue_to_phones_and_make_redemption_codes(client_a, store_a):


    with schema_context(store_a.schema):
        coupon = Coupon.objects.create(name="会员专享", kind="amount_off", amount_fen=500, total_quantity=5,
                                       valid_days=7)
        for phone in ("13800000001", "13800000002"):
            MemberFactory(phone=phone)
    connection.set_schema_to_public()
    console_login(client_a, store_a.owner_login)
    empty = client_a.post(URL, {"coupon": coupon.pk, "action": "issue", "segment": "", "phones": ""})
    assert empty.status_code == 400 and "请选择发放对象" in empty.content.decode()
    issued = client_a.post(URL, {"coupon": coupon.pk, "action": "issue", "segment": "",
                                 "phones": "13800000001，13800000002\n13800000009"}, follow=True)
    assert "已发放 2 张" in issued.content.decode()
    made = client_a.post(URL, {"coupon": coupon.pk, "action": "codes", "count": "3"}, follow=True)
    assert "兑换码已生成" in made.content.decode() and "下载 3 个兑换码" in made.content.decode()
    sheet = load_workbook(io.BytesIO(client_a.get(f"{URL}{coupon.pk}/codes/").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("兑换码", "状态", "兑换时间") and len(rows) == 4 and rows[1][1] == "未兑换"
    with schema_context(store_a.schema):
        assert MemberCoupon.objects.filter(coupon=coupon, source="merchant").count() == 2
    connection.set_schema_to_public()


def test_the_store_says_whether_a_refund_returns_coupons(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    box = re.compile(r'<input[^>]*name="return_coupons_on_refund"[^>]*>')
    assert "checked" in box.search(client_a.get(URL).content.decode()).group(0)  # on by default
    wrong = client_a.post(URL, {"action": "settings", "store_coupons_per_order": "5"})
    assert wrong.status_code == 400
    assert client_a.post(URL, {"action": "settings", "store_coupons_per_order": "2"}).status_code == 302  # unticked
    with schema_context(store_a.schema):
        rules = marketing_settings_get()
        assert (rules.return_coupons_on_refund, rules.store_coupons_per_order) == (False, 2)
    connection.set_schema_to_public()
    page = client_a.get(URL).content.decode()
    assert "已保存" in page and "checked" not in box.search(page).group(0)


def test_share_rewards_screen_saves_the_rules_and_shows_the_figures(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    page = client_a.get("/console/marketing/share/")
    assert page.status_code == 200 and "邀请新会员" in page.content.decode()
    rules = {"enabled": "on", "new_member_points": "50", "order_points": "100", "order_coupons": "on",
             "daily_cap": "0", "window_days": "30"}
    bad = client_a.post("/console/marketing/share/", rules)
    assert bad.status_code == 400 and 'data-field="daily_cap"' in bad.content.decode()
    nothing = client_a.post("/console/marketing/share/", {**rules, "daily_cap": "5", "new_member_points": "0",
                                                          "order_points": "0", "order_coupons": ""})
    assert nothing.status_code == 400 and 'data-field="order_points"' in nothing.content.decode()
    assert client_a.post("/console/marketing/share/", {**rules, "daily_cap": "5"}).status_code == 302
    with schema_context(store_a.schema):
        saved = share_settings_get()
        assert (saved.enabled, saved.daily_cap, saved.order_points) == (True, 5, 100)
