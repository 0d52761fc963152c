"""The console's billing page and the operators' billing overview, over HTTP."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from billing.models import Subscription
from tests.billing.conftest import deliver_new
from tests.conftest import console_login


def test_owner_sees_plan_usage_and_plans_staff_without_billing_rights_do_not(store_a, client_a):
    console_login(client_a, store_a.owner_login)
    page = client_a.get("/console/billing/").content.decode()
    assert "专业版" in page and 'data-usage="products"' in page and 'data-plan="flagship"' in page
    assert 'value="subscribe"' in page and "管理银行卡与订阅" not in page
    client_a.post("/console/logout/")
    console_login(client_a, store_a.staff_login)
    assert client_a.get("/console/billing/").status_code == 403


def test_subscribe_redirects_to_checkout_and_a_refusal_is_explained(store_a, client_a, stripe_fake, stripe_plans):
    console_login(client_a, store_a.owner_login)
    response = client_a.post("/console/billing/", {"action": "subscribe", "plan": "basic", "interval": "month"})
    assert response.status_code == 302 and response["Location"].startswith(stripe_fake.public_base + "/checkout/")
    session = stripe_fake.objects[response["Location"].rsplit("/", 1)[1]]
    assert session["success_url"] == "http://alpha.localhost/console/billing/?done=checkout"
    refused = client_a.post("/console/billing/", {"action": "subscribe", "plan": "nope", "interval": "month"})
    assert refused.status_code == 400 and "请选择一个套餐" in refused.content.decode()


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ["选择一个有效的选项", "请选择按月或按年付费。"]),
    ("en", ["Select a valid choice", "monthly or yearly"]),
])
def test_billing_refusals_in_both_languages(store_a, client_a, stripe_fake, stripe_plans, language, expected):
    console_login(client_a, store_a.owner_login)
    client_a.cookies["django_language"] = language
    unknown = client_a.post("/console/billing/", {"action": "cancel-everything", "plan": "basic"})
    interval = client_a.post("/console/billing/", {"action": "subscribe", "plan": "basic", "interval": "weekly"})
    assert (unknown.status_code, interval.status_code) == (400, 400)
    assert expected[0] in unknown.content.decode() and expected[1] in interval.content.decode()
    assert not stripe_fake.objects or all(o.get("object") != "checkout.session" for o in stripe_fake.objects.values())


def test_operators_see_mrr_statuses_and_a_stores_invoices(store_a, operator_client, stripe_fake, stripe_plans,
                                                           client_a):
    console_login(client_a, store_a.owner_login)
    with schema_context("public"):
        Subscription.objects.filter(tenant_id=store_a.tenant.pk).update(trial_ends_at=None)
    response = client_a.post("/console/billing/", {"action": "subscribe", "plan": "pro", "interval": "year"})
    stripe_fake.checkout_complete(response["Location"].rsplit("/", 1)[1])
    connection.set_schema_to_public()
    deliver_new(stripe_fake, [])
    page = operator_client.get("/operators/billing/").content.decode()
    assert 'data-mrr="cny"' in page and "CNY 249.16" in page  # ¥2,990 a year is ¥249.16 a month
    detail = operator_client.get(f"/operators/tenants/{store_a.tenant.pk}/").content.decode()
    assert "专业版 · 已订阅" in detail and "2990.00" in detail and "已支付" in detail
