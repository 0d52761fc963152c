"""The console's distribution settings: every rule editable, bad input explained field by field with nothing
saved, the bonuses' compliance notice shown."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from console_frontend.merchant.forms import DistributionSettingsForm
from tenants.distribution.configuration import DistributionRules
from tenants.distribution.selectors import distribution_settings_get
from tests.conftest import assert_refused_in_place, console_login


def settings_as_form(settings) -> dict:
    return DistributionSettingsForm.initial_from(DistributionRules.of(settings))


def current():
    connection.set_schema_to_public()
    with schema_context("t_alpha"):
        return distribution_settings_get()


def test_owner_edits_rules_and_bonuses(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    page = client_a.get("/console/distribution/settings/").content.decode()
    assert 'id="compliance"' in page and "不得按发展人数" in page
    form = {**settings_as_form(current()), "levels": "3", "binding_days": "0", "recruitment": "spend_threshold",
            "recruitment_spend": "199.90", "withdrawal_fee": "0.6", "team_bonus_enabled": "1", "team_bonus": "1.5",
            "monthly_target_bonus_enabled": "1", "monthly_target_sales": "3000", "monthly_target_bonus": "100",
            "application_fields": "*真实姓名\n微信号", "enabled": "1", "self_purchase_commission": ""}
    response = client_a.post("/console/distribution/settings/", form)
    assert response.status_code == 302 and response["Location"] == "/console/distribution/settings/?saved=1"
    saved = current()
    assert (saved.levels, saved.binding_days, saved.recruitment, saved.recruitment_spend_fen) == (
        3, 0, "spend_threshold", 19_990)
    assert (saved.withdrawal_fee_bp, saved.team_bonus_bp, saved.monthly_target_sales_fen,
            saved.monthly_target_bonus_fen) == (60, 150, 300_000, 10_000)
    assert saved.application_fields == [{"name": "真实姓名", "label": "真实姓名", "required": True},
                                        {"name": "微信号", "label": "微信号", "required": False}]
    assert saved.team_bonus_enabled and not saved.self_purchase_commission


def test_bad_input_is_refused_field_by_field_and_nothing_changes(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    before = settings_as_form(current())
    bad = {**before, "levels": "4", "freeze_days": "-1", "withdrawal_fee": "0.125", "team_bonus_enabled": "1",
           "team_bonus": "25", "recruitment": "purchase_product", "recruitment_product_id": "",
           "withdrawal_min": "abc"}
    response = client_a.post("/console/distribution/settings/", bad)
    assert response.status_code == 400
    page = response.content.decode()
    for field in ("levels", "freeze_days", "withdrawal_fee", "team_bonus", "recruitment_product_id",
                  "withdrawal_min"):
        assert f'data-field="{field}"' in page, field
    assert "不能超过 20.00%" in page
    assert settings_as_form(current()) == before


def test_customer_service_may_not_change_distribution_rules(client_a, store_a):
    from django.contrib.auth import get_user_model

    from tenants.staff.models import StaffMember

    with schema_context(store_a.schema):
        user = get_user_model().objects.create_user(username="cs@alpha.test", password="Correct-Horse-42")
        StaffMember.objects.create(user=user, role=StaffMember.Role.CUSTOMER_SERVICE)
    console_login(client_a, "cs@alpha.test")
    assert client_a.post("/console/distribution/settings/", {"levels": "3"}).status_code == 403


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ["请填写金额（元），最多两位小数。", "不能超过 20.00%。", "请填写 1 到 3 之间的整数。",
                 "选择一个有效的选项"]),
    ("en", ["enter an amount in yuan", "Cannot exceed 20.00%.", "enter a whole number from 1 to 3.",
            "Select a valid choice"]),
])
def test_field_errors_in_place_in_both_languages(client_a, store_a, language, expected):
    console_login(client_a, store_a.owner_login)
    client_a.cookies["django_language"] = language
    bad = {**settings_as_form(current()), "withdrawal_min": "12.345", "withdrawal_fee": "101", "levels": "",
           "recruitment": "nope", "withdrawal_daily_cap": "-5"}
    response = client_a.post("/console/distribution/settings/", bad)
    assert_refused_in_place(response, texts=expected, fields=(
        "withdrawal_min", "withdrawal_fee", "levels", "recruitment", "withdrawal_daily_cap"))
