"""The distributor centre on the H5 pages: applying under each recruitment rule (the store's own questions
required, a rejection's reason shown, a pending application not repeated), the centre with balances, the
30-day chart, the store's rates, customers bound through a link and commissions each explained; the team on
two levels; share links with their QR code and poster; withdrawing under the store's rules, refused in place."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from tenants.catalog.services import SkuInput, product_create
from tenants.distribution.configuration import DistributionRules, distribution_settings_update
from tenants.distribution.models import Application, Binding, DistributionSettings, Distributor, Withdrawal
from tenants.distribution.network import application_reject, binding_record_visit, distributor_share_token
from tenants.distribution.selectors import distribution_settings_get
from tenants.distribution.services import commission_accrue_for_order
from tenants.distribution.settlement import settle_matured
from tenants.ledger.selectors import ledger_reconcile
from tenants.members.models import Member
from tests.shop_api.test_h5_login import phone_login
from tests.tenants.distribution.builders import make_distributor, make_paid_order, publish_rates

SHARER, FRIEND = "13700137000", "13700137001"


def _rules(store, **values) -> None:
    with schema_context(store.schema):
        DistributionSettings.objects.update_or_create(singleton=1, defaults=values)
    connection.set_schema_to_public()


def test_not_yet_a_distributor_is_sent_to_apply_and_open_recruitment_joins_at_once(client_a, store_a, sms_sandbox):
    _rules(store_a, recruitment="open")
    phone_login(client_a, SHARER, sms_sandbox)
    assert "分享赚佣金" in client_a.get("/me/").content.decode()
    assert client_a.get("/distribution/commissions/")["Location"] == "/distribution/"
    page = client_a.get("/distribution/").content.decode()
    assert "本店所有顾客都可以直接成为分销员" in page
    joined = client_a.post("/distribution/", follow=True).content.decode()
    assert "你已成为分销员" in joined and "分销中心" in joined and "可提现" in joined
    assert "佣金、团队、提现" in client_a.get("/me/").content.decode()


def test_the_stores_questions_are_asked_and_an_application_waits_for_review(client_a, store_a, sms_sandbox):
    _rules(store_a, recruitment="apply", application_fields=[
        {"name": "real_name", "label": "真实姓名", "required": True},
        {"name": "wechat_id", "label": "微信号", "required": False}])
    phone_login(client_a, SHARER, sms_sandbox)
    page = client_a.get("/distribution/").content.decode()
    assert "真实姓名" in page and "微信号" in page and "提交申请" in page
    refused = client_a.post("/distribution/", {"real_name": "  ", "wechat_id": "wx1"})
    assert refused.status_code == 400 and "必填" in refused.content.decode()
    with schema_context(store_a.schema):
        assert not Application.objects.exists()
    connection.set_schema_to_public()
    sent = client_a.post("/distribution/", {"real_name": "李雷", "wechat_id": "lilei"}, follow=True).content.decode()
    assert "申请已提交" in sent and 'data-application="pending"' in sent and "提交申请" not in sent
    assert client_a.post("/distribution/", {"real_name": "李雷"}).status_code == 200  # not a second one
    with schema_context(store_a.schema):
        application = Application.objects.get()
        assert application.answers == {"real_name": "李雷", "wechat_id": "lilei"}
        application_reject(application=application, reason="资料不完整", actor="owner")
    connection.set_schema_to_public()
    again = client_a.get("/distribution/").content.decode()
    assert "上次申请未通过：资料不完整" in again and "提交申请" in again


def test_spend_threshold_shows_the_shoppers_progress(client_a, store_a, sms_sandbox):
    _rules(store_a, recruitment="spend_threshold", recruitment_spend_fen=50000)
    phone_login(client_a, SHARER, sms_sandbox)
    with schema_context(store_a.schema):
        make_paid_order(member=Member.objects.get(phone=SHARER), line_prices=[12000])
    connection.set_schema_to_public()
    page = client_a.get("/distribution/").content.decode()
    assert "累计消费满 ¥500.00" in page and "已消费 ¥120.00，还差 ¥380.00" in page and 'value="24"' in page
    refused = client_a.post("/distribution/").content.decode()
    assert "累计消费未达到成为分销员的门槛" in refused


@pytest.fixture
def sharer(client_a, store_a, sms_sandbox):
    """A distributor signed in on client_a, with a recruit under them and one under that."""
    _rules(store_a, recruitment="open", withdrawal_min_fen=1000, withdrawal_fee_bp=100,
           withdrawal_daily_cap_fen=5000)
    phone_login(client_a, SHARER, sms_sandbox)
    client_a.post("/distribution/")
    with schema_context(store_a.schema):
        publish_rates(rates={1: (1200, 1000), 2: (500, 300)})
        distributor = Distributor.objects.get(member__phone=SHARER)
        recruit = make_distributor(parent=distributor)
        make_distributor(parent=recruit)
        token = distributor_share_token(distributor=distributor)
    connection.set_schema_to_public()
    return {"distributor": distributor, "token": token}


def test_a_friend_bound_through_the_link_shows_up_and_the_first_order_commission_is_explained(
        client_a, store_a, sms_sandbox, sharer):
    friend = Client(HTTP_HOST=store_a.host)
    friend.get(f"/?dc={sharer['token']}")
    phone_login(friend, FRIEND, sms_sandbox)
    with schema_context(store_a.schema):
        member = Member.objects.get(phone=FRIEND)
        assert Binding.objects.get(member=member).distributor == sharer["distributor"]
        order = make_paid_order(member=member, line_prices=[19900, 5000])
        commission_accrue_for_order(order_id=order.pk)
        assert ledger_reconcile().ok
    connection.set_schema_to_public()
    centre = unescape(client_a.get("/distribution/").content.decode())
    assert 'data-balance="frozen">¥29.88' in centre  # 12% of 249.00
    assert "顾客首单 12%，复购 10%" in centre and "我的客户 1" in centre and "我的团队 1" in centre
    assert centre.count("<rect ") == 30 and 'height="100.0"' in centre  # today is the best of the 30 days
    commissions = unescape(client_a.get("/distribution/commissions/?status=frozen").content.decode())
    assert commissions.count("data-commission=") == 2 and "一级，首单佣金 12% × 199.00 = 23.88" in commissions
    assert "还没有佣金" in client_a.get("/distribution/commissions/?status=available").content.decode()
    team = client_a.get("/distribution/team/").content.decode()
    assert team.count("team-member") == 1 and "直属 1" in team and "二级 1" in team and "我的客户 1" in team
    assert client_a.get("/distribution/team/?level=2").content.decode().count("team-member") == 1


def test_share_links_qr_codes_and_posters_carry_the_distributors_token(client_a, store_a, sharer):
    with schema_context(store_a.schema):
        product = product_create(title="玫瑰精油", publish=True, skus=[SkuInput(price_fen=8800, stock=3)])
    connection.set_schema_to_public()
    assert "推广赚佣金" in client_a.get(f"/products/{product.pk}/").content.decode()
    page = unescape(client_a.get(f"/distribution/share/?product={product.pk}").content.decode())
    link = re.search(r'value="(http[^"]+)"', page).group(1)
    assert link == f"http://{store_a.host}/?dc={sharer['token']}&product={product.pk}"
    assert "下载分享海报" in page and "推广「玫瑰精油」" in page
    qr = client_a.get(f"/distribution/share/qr.png?product={product.pk}")
    assert qr["Content-Type"] == "image/png" and Image.open(io.BytesIO(qr.content)).size[0] > 100
    poster = client_a.get(f"/distribution/posters/{product.pk}.png")
    assert poster["Content-Disposition"] == f'attachment; filename="poster-{product.pk}.png"'
    assert Image.open(io.BytesIO(poster.content)).size == (750, 1334)
    assert client_a.get("/distribution/posters/999999.png").status_code == 404
    store_page = unescape(client_a.get("/distribution/share/").content.decode())
    assert f"/?dc={sharer['token']}\"" in store_page and "下载分享海报" not in store_page


def test_withdrawing_shows_the_rules_and_refuses_in_place(client_a, store_a, sharer):
    with schema_context(store_a.schema):
        buyer = Member.objects.create(openid="o-buyer", nickname="买家")
        binding_record_visit(member=buyer, share_token=sharer["token"], source="poster")
        order = make_paid_order(member=buyer, line_prices=[50000])
        commission_accrue_for_order(order_id=order.pk)
        order.status, order.received_at = "received", timezone.now()
        order.save(update_fields=["status", "received_at"])
        assert settle_matured(now=timezone.now() + timedelta(days=30), freeze_days=7).released_count == 1
    connection.set_schema_to_public()
    page = client_a.get("/distribution/withdraw/").content.decode()
    assert "单笔最低 ¥10.00" in page and "手续费 1%" in page and "每日最多 ¥50.00" in page
    assert 'data-balance="available">¥60.00' in page
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    too_small = client_a.post("/distribution/withdraw/", {"amount_fen": "5", "method": "wechat", "key": key})
    assert too_small.status_code == 400 and "最低提现金额为 10.00 元" in too_small.content.decode()
    assert f'value="{key}"' in too_small.content.decode()  # the corrected form is still the same request
    no_bank = client_a.post("/distribution/withdraw/", {"amount_fen": "20", "method": "bank", "key": key})
    assert "请填写银行卡信息" in no_bank.content.decode()
    bad = client_a.post("/distribution/withdraw/", {"amount_fen": "20.123", "method": "wechat", "key": key})
    assert "最多两位小数" in bad.content.decode()
    for _tap in range(2):  # a double tap: one withdrawal, the same confirmation
        done = client_a.post("/distribution/withdraw/", {"amount_fen": "40", "method": "wechat", "key": key},
                             follow=True)
        shown = done.content.decode()
        assert "提现申请已提交" in shown and shown.count("手续费 ¥0.40，到账 ¥39.60") == 1
    assert re.search(r'name="key" value="([^"]+)"', shown).group(1) != key  # the next page is a new request
    reused = client_a.post("/distribution/withdraw/", {"amount_fen": "10", "method": "wechat", "key": key})
    assert reused.status_code == 400 and "该幂等键已用于另一笔提现" in reused.content.decode()
    over_cap = client_a.post("/distribution/withdraw/", {"amount_fen": "15", "method": "wechat",
                                                         "key": "another-page-key"})
    assert "今日还可提现 10.00 元" in over_cap.content.decode()
    with schema_context(store_a.schema):
        assert list(Withdrawal.objects.values_list("amount_fen", flat=True)) == [4000]
        assert ledger_reconcile().ok
    connection.set_schema_to_public()


def test_the_product_page_follows_the_store_turning_distribution_off(client_a, store_a,
                                                                      django_capture_on_commit_callbacks):
    """Whether distribution is on is kept in the cache for the product page; changing the rules forgets it."""
    with schema_context(store_a.schema):
        product = product_create(title="玫瑰精油", publish=True, skus=[SkuInput(price_fen=8800, stock=3)])
        DistributionSettings.objects.update_or_create(singleton=1, defaults={"enabled": True})
    connection.set_schema_to_public()
    assert "推广赚佣金" in client_a.get(f"/products/{product.pk}/").content.decode()
    with schema_context(store_a.schema), django_capture_on_commit_callbacks(execute=True):
        distribution_settings_update(rules=replace(DistributionRules.of(distribution_settings_get()), enabled=False))
    connection.set_schema_to_public()
    assert "推广赚佣金" not in client_a.get(f"/products/{product.pk}/").content.decode()
