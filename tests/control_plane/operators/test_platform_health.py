"""The operators' health page: stores by status, sign-ups per day, and failed background tasks recorded from
Celery's own failure signal in whichever schema the task ran."""

from __future__ import annotations

import pytest
from celery import shared_task
from django.utils import timezone
from django_tenants.utils import schema_context

from control_plane.operators.models import JobFailure
from control_plane.operators.selectors import platform_health


@shared_task(name="tests.health.always_fails")
def always_fails() -> None:
    raise RuntimeError("carrier API down")


def test_a_failed_task_is_recorded_with_its_store(store_a):
    with schema_context(store_a.schema):
        result = always_fails.apply()
    assert result.failed()
    failure = JobFailure.objects.get()
    assert (failure.task_name, failure.schema_name, failure.exception) == (
        "tests.health.always_fails", store_a.schema, "RuntimeError: carrier API down")


def test_health_figures_and_page(operator_client, store_a, store_b):
    JobFailure.objects.create(task_name="tenants.distribution.settle", schema_name=store_a.schema,
                              exception="OperationalError: x")
    health = platform_health()
    assert health.stores_total >= 2 and health.failures_24h == 1
    assert health.failures_by_task == [("tenants.distribution.settle", 1)]
    today = timezone.localdate().isoformat()
    assert health.signups_by_day[-1]["date"] == today and len(health.signups_by_day) == 30
    page = operator_client.get("/operators/health/").content.decode()
    assert 'id="signups-chart"' in page and "tenants.distribution.settle" in page
    assert 'id="failures-24h">1<' in page


@pytest.mark.parametrize("path", ["/operators/health/", "/operators/billing/", "/operators/plans/"])
def test_operator_pages_need_an_operator(platform_client, path):
    response = platform_client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/operators/login/")


def test_operators_export_stores_and_the_audit_log(operator_client, store_a, store_b):
    import io

    from openpyxl import load_workbook

    from control_plane.tenancy.models import Tenant

    Tenant.objects.filter(pk=store_b.tenant.pk).update(status=Tenant.Status.PAST_DUE)
    stores = operator_client.get("/operators/tenants.xlsx?status=past_due")
    rows = list(load_workbook(io.BytesIO(stores.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "域名前缀" and [r[0] for r in rows[1:]] == ["bravo"]
    operator_client.post(f"/operators/tenants/{store_a.tenant.pk}/", {"action": "suspend", "reason": "核查资质"})
    audit = operator_client.get("/operators/audit.xlsx")
    rows = list(load_workbook(io.BytesIO(audit.content)).active.iter_rows(values_only=True))
    assert rows[1][1:5] == ("olga", "暂停店铺", "alpha", "核查资质")
