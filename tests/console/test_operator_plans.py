"""Operators edit plans on the platform; Stripe's Products and Prices follow, never edited in two places."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from billing.limits import plan_limits_for
from billing.models import Plan
from control_plane.operators.models import AuditLog
from tests.conftest import assert_refused_in_place

NEW = {"code": "team", "name": "团队版", "monthly_price": "199", "yearly_price": "1,990.00", "trial_days": "7",
       "max_products": "500", "max_distributors": "", "max_staff": "5", "max_orders_per_month": "",
       "sort_order": "1", "templates": ["beauty"], "simulator": "1", "is_active": "1"}


def prices(fake, product: str) -> list[tuple[int, str, bool, str | None]]:
    return sorted((p["unit_amount"], p["recurring"]["interval"], p["active"], p["lookup_key"])
                  for p in fake.objects.values() if p["object"] == "price" and p["product"] == product)


def test_operator_creates_a_plan_and_stripe_follows(operator_client, stripe_fake):
    response = operator_client.post("/operators/plans/", NEW)
    assert response.status_code == 302 and response["Location"] == "/operators/plans/team/?saved=1"
    with schema_context("public"):
        plan = Plan.objects.get(code="team")
        assert AuditLog.objects.filter(action="plan.save", reason="新建套餐 team").exists()
    assert (plan.monthly_price_minor, plan.yearly_price_minor, plan.max_distributors, plan.templates) == (
        19900, 199000, None, ["beauty"])
    assert stripe_fake.objects["plan_team"]["name"] == "团队版"
    assert prices(stripe_fake, "plan_team") == [(19900, "month", True, "plan_team_month"),
                                                (199000, "year", True, "plan_team_year")]
    assert plan.synced_at >= plan.updated_at
    page = operator_client.get("/operators/plans/").content.decode()
    assert 'data-plan="team"' in page and "已同步" in page


def test_a_new_price_replaces_the_old_one_and_limits_apply_at_once(operator_client, stripe_fake, stripe_plans,
                                                                  store_a):
    form = {"name": "专业版", "monthly_price": "329.00", "yearly_price": "2990", "trial_days": "14",
            "max_products": "50", "max_distributors": "5000", "max_staff": "10", "max_orders_per_month": "20000",
            "sort_order": "1", "custom_domain": "1", "simulator": "1", "is_active": "1"}
    response = operator_client.post("/operators/plans/pro/", form)
    assert response["Location"] == "/operators/plans/pro/?saved=1"
    assert prices(stripe_fake, "plan_pro") == [(29900, "month", False, None), (32900, "month", True, "plan_pro_month"),
                                               (299000, "year", True, "plan_pro_year")]
    assert plan_limits_for(schema_name=store_a.schema).max_products == 50  # alpha is on pro


def test_bad_input_is_explained_field_by_field_and_nothing_is_saved(operator_client, stripe_fake):
    bad = {**NEW, "code": "Team!", "monthly_price": "1.999", "max_staff": "-1", "templates": ["nope"], "name": ""}
    response = operator_client.post("/operators/plans/", bad)
    assert response.status_code == 400
    page = response.content.decode()
    for field in ("code", "name", "monthly_price", "max_staff", "templates"):
        assert f'data-field="{field}"' in page, field
    with schema_context("public"):
        assert not Plan.objects.filter(name="").exists() and Plan.objects.count() == 3
    assert not [o for o in stripe_fake.objects.values() if o["object"] == "product"]


def test_a_failed_sync_keeps_the_edit_and_says_so(operator_client, settings, stripe_fake):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9/stripe"  # nothing listens there
    response = operator_client.post("/operators/plans/", {**NEW, "code": "solo"})
    assert response["Location"] == "/operators/plans/solo/?sync=failed"
    page = operator_client.get(response["Location"]).content.decode()
    assert "同步到 Stripe 失败" in page
    settings.STRIPE_API_BASE = stripe_fake.public_base
    retried = operator_client.post("/operators/plans/solo/", {"action": "sync"})
    assert retried["Location"] == "/operators/plans/solo/?synced=1" and "plan_solo" in stripe_fake.objects


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ["请填写金额（元），最多两位小数。", "请填写 0 到 90 之间的整数。", "选择一个有效的选项"]),
    ("en", ["amount in yuan", "whole number from 0 to 90", "Select a valid choice"]),
])
def test_plan_field_errors_in_place_in_both_languages(operator_client, language, expected):
    operator_client.cookies["django_language"] = language
    bad = {**NEW, "monthly_price": "12.345", "trial_days": "-1", "templates": ["nope"], "max_products": "1e3"}
    response = operator_client.post("/operators/plans/", bad)
    assert_refused_in_place(response, texts=expected,
                            fields=("monthly_price", "trial_days", "templates", "max_products"))
