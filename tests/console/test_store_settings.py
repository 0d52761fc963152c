"""Store settings from the console: WeChat Pay credentials whose secrets are write-only (never shown back,
kept when left empty) and shipping templates with region rules and one default."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from core import crypto
from tenants.orders.calculations import shipping_fee_fen
from tenants.orders.models import ShippingTemplate
from tenants.payments.models import WechatPayMerchant
from tests.conftest import assert_refused_in_place, console_login
from tests.shop_api.conftest import APIV3_KEY, MERCHANT_PRIVATE, PLATFORM_PUBLIC

PAY = {"action": "wechatpay", "appid": "wxalpha0001", "mchid": "1900000109", "cert_serial_no": "SERIAL01",
       "platform_public_key_id": "PUB_KEY_ID_01", "platform_public_key_pem": PLATFORM_PUBLIC}


@pytest.fixture
def owner(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    return client_a


def merchant(store) -> WechatPayMerchant:
    connection.set_schema_to_public()
    with schema_context(store.schema):
        return WechatPayMerchant.objects.get()


def test_wechatpay_secrets_are_write_only(owner, store_a):
    assert owner.post("/console/store/settings/", {**PAY, "private_key_pem": MERCHANT_PRIVATE,
                                                   "apiv3_key": APIV3_KEY}).status_code == 302
    page = owner.get("/console/store/settings/").content.decode()
    assert "已配置" in page and "1900000109" in page
    assert "PRIVATE KEY" not in page and APIV3_KEY not in page  # never sent back to the browser
    first = merchant(store_a)
    assert owner.post("/console/store/settings/", {**PAY, "mchid": "1900000110", "private_key_pem": "",
                                                   "apiv3_key": ""}).status_code == 302
    kept = merchant(store_a)
    keys = settings.FIELD_ENCRYPTION_KEYS
    assert kept.mchid == "1900000110"
    assert crypto.decrypt(kept.merchant_private_key_encrypted, keys=keys) == MERCHANT_PRIVATE
    assert crypto.decrypt(kept.apiv3_key_encrypted, keys=keys) == APIV3_KEY == crypto.decrypt(
        first.apiv3_key_encrypted, keys=keys)
    bad = owner.post("/console/store/settings/", {**PAY, "private_key_pem": "not a key", "apiv3_key": "short",
                                                  "appid": ""})
    html = bad.content.decode()
    assert bad.status_code == 400 and all(f'data-field="{f}"' in html for f in ("private_key_pem", "apiv3_key",
                                                                                "appid"))
    assert merchant(store_a).mchid == "1900000110"


def test_shipping_templates_with_region_rules_and_one_default(owner, store_a):
    form = {"action": "shipping", "name": "全国包邮", "mode": "flat", "flat_fee": "8", "free_over": "99",
            "first_weight_g": "1000", "extra_weight_g": "1000", "first_fee": "0", "extra_fee": "0",
            "region_rules": "65: 25.00\n54: 不配送"}
    assert owner.post("/console/store/settings/", form).status_code == 302
    with schema_context(store_a.schema):
        template = ShippingTemplate.objects.get(name="全国包邮")
        assert template.is_default and template.region_rules == [{"regions": ["65"], "flat_fee_fen": 2500},
                                                                   {"regions": ["54"], "unreachable": True}]
        assert shipping_fee_fen(template=template, region_code="650102", goods_after_discount_fen=5000,
                                weight_g=0) == 2500
        assert shipping_fee_fen(template=template, region_code="310115", goods_after_discount_fen=9900,
                                weight_g=0) == 0
    connection.set_schema_to_public()
    weight = {**form, "name": "按重", "mode": "weight", "first_fee": "10", "extra_fee": "5", "free_over": "",
              "region_rules": "", "is_default": "1"}
    assert owner.post("/console/store/settings/", weight).status_code == 302
    with schema_context(store_a.schema):
        assert list(ShippingTemplate.objects.filter(is_default=True).values_list("name", flat=True)) == ["按重"]
    connection.set_schema_to_public()
    page = owner.get(f"/console/store/settings/?template={template.pk}").content.decode()
    assert "65: 25.00" in page and "54: 不配送" in page
    bad = owner.post("/console/store/settings/", {**form, "region_rules": "Xinjiang 25", "flat_fee": "-1"})
    html = bad.content.decode()
    assert bad.status_code == 400 and 'data-field="flat_fee"' in html


def test_operations_may_not_see_payment_settings(client_a, store_a):
    console_login(client_a, store_a.staff_login)
    assert client_a.get("/console/store/settings/").status_code == 403


def test_the_owner_renames_the_store(owner, store_a):
    from control_plane.tenancy.models import Tenant

    renamed = owner.post("/console/store/settings/", {"action": "store", "store_name": "Alpha 美妆·旗舰"})
    assert renamed.status_code == 302
    with schema_context("public"):
        assert Tenant.objects.get(pk=store_a.tenant.pk).name == "Alpha 美妆·旗舰"
    bad = owner.post("/console/store/settings/", {"action": "store", "store_name": " "})
    assert bad.status_code == 400 and 'data-field="store_name"' in bad.content.decode()


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ["请填写金额（元），最多两位小数。", "请填写 1 到 1000000 之间的整数。", "第 2 行",
                 "选择一个有效的选项"]),
    ("en", ["amount in yuan", "whole number from 1 to 1000000", "Line 2", "Select a valid choice"]),
])
def test_shipping_field_errors_in_place_in_both_languages(owner, store_a, language, expected):
    owner.cookies["django_language"] = language
    bad = owner.post("/console/store/settings/", {
        "action": "shipping", "name": "", "mode": "by_magic", "flat_fee": "12.345", "free_over": "-1",
        "first_weight_g": "0", "extra_weight_g": "1000", "region_rules": "65: 25.00\nXinjiang 25"})
    assert_refused_in_place(bad, texts=expected,
                            fields=("name", "mode", "flat_fee", "free_over", "first_weight_g", "region_rules"))
    with schema_context(store_a.schema):
        assert not ShippingTemplate.objects.exists()
