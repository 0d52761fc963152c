"""Distributor grades from the console: rules typed in yuan, unique names and ranks, deletion refused while
anyone holds the grade; a manual change on the distributor's page (the only way down) is logged."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenants.distribution.models import Distributor, Grade, GradeChange
from tests.conftest import assert_refused_in_place, console_login
from tests.tenants.distribution.builders import make_distributor


def test_grades_created_edited_and_deleted(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    created = client_a.post("/console/distribution/grades/", {"name": "高级分销员", "rank": "2", "orders_30d": "5",
                                                              "team_sales_fen": "10,000", "spent_fen": ""})
    assert created.status_code == 302
    with schema_context(store_a.schema):
        grade = Grade.objects.get(name="高级分销员")
        assert (grade.rank, grade.promotion_rules) == (2, {"orders_30d": 5, "team_sales_fen": 1_000_000})
        holder = make_distributor()
    connection.set_schema_to_public()
    duplicate = client_a.post("/console/distribution/grades/", {"name": "高级分销员", "rank": "2", "orders_30d": "x"})
    page = duplicate.content.decode()
    assert duplicate.status_code == 400 and all(f'data-field="{f}"' in page for f in ("name", "rank", "orders_30d"))
    assert client_a.post(f"/console/distribution/grades/?grade={grade.pk}", {
        "name": "金牌分销员", "rank": "3", "spent_fen": "500"}).status_code == 302
    with schema_context(store_a.schema):
        grade.refresh_from_db()
        assert (grade.name, grade.rank, grade.promotion_rules) == ("金牌分销员", 3, {"spent_fen": 50_000})
    connection.set_schema_to_public()

    set_grade = client_a.post(f"/console/distribution/distributors/{holder.code}/",
                              {"grade_id": grade.pk, "reason": "线下活动表现突出"})
    assert set_grade.status_code == 302
    refused = client_a.post("/console/distribution/grades/", {"action": "delete", "grade_id": grade.pk})
    assert refused.status_code == 400 and "不能删除" in refused.content.decode()
    client_a.post(f"/console/distribution/distributors/{holder.code}/", {"grade_id": "", "reason": "活动结束"})
    assert client_a.post("/console/distribution/grades/", {"action": "delete", "grade_id": grade.pk}).status_code == 302
    with schema_context(store_a.schema):
        assert not Grade.objects.exists() and Distributor.objects.get(pk=holder.pk).grade is None
        assert list(GradeChange.objects.filter(distributor=holder).order_by("created_at").values_list(
            "actor", flat=True)) == ["ann@alpha.test", "ann@alpha.test"]
        assert "已删除" in GradeChange.objects.order_by("created_at").first().reason


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ["请填写金额（元），最多两位小数。", "请填写 1 到 99 之间的整数。", "该字段是必填项"]),
    ("en", ["amount in yuan", "whole number from 1 to 99", "This field is required"]),
])
def test_grade_field_errors_in_place_in_both_languages(client_a, store_a, language, expected):
    console_login(client_a, store_a.owner_login)
    client_a.cookies["django_language"] = language
    bad = client_a.post("/console/distribution/grades/", {"name": "", "rank": "100", "team_sales_fen": "12.345",
                                                          "spent_fen": "-1", "orders_30d": "1²"})
    assert_refused_in_place(bad, texts=expected,
                            fields=("name", "rank", "team_sales_fen", "spent_fen", "orders_30d"))


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "选择一个有效的选项"), ("en", "Select a valid choice")])
def test_a_grade_that_is_not_there_is_refused_in_both_languages(client_a, store_a, language, expected):
    with schema_context(store_a.schema):
        holder = make_distributor()
    connection.set_schema_to_public()
    console_login(client_a, store_a.owner_login)
    client_a.cookies["django_language"] = language
    changed = client_a.post(f"/console/distribution/distributors/{holder.code}/", {"grade_id": "999999"})
    deleted = client_a.post("/console/distribution/grades/", {"action": "delete", "grade_id": "abc"})
    assert (changed.status_code, deleted.status_code) == (400, 400)
    assert expected in changed.content.decode() and expected in deleted.content.decode()
    with schema_context(store_a.schema):
        assert not GradeChange.objects.filter(distributor=holder).exists()
