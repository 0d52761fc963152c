"""Operators list, search, suspend and resume stores; every action is in an append-only audit log."""

import pytest
from django.db import DatabaseError, connection, transaction

from control_plane.operators.models import AuditLog
from control_plane.tenancy.models import Tenant


def test_operator_pages_need_an_operator(platform_client, client_a):
    assert platform_client.get("/operators/")["Location"].startswith("/operators/login/")
    # A store owner is no operator, and operator pages do not exist on store hosts at all.
    assert client_a.get("/operators/").status_code == 404


def test_wrong_password_is_refused(platform_client):
    response = platform_client.post("/operators/login/", {"login": "olga", "password": "nope"})
    assert response.status_code == 400


def test_list_and_search(operator_client, store_a, store_b):
    html = operator_client.get("/operators/").content.decode()
    assert 'data-slug="alpha"' in html and 'data-slug="bravo"' in html
    assert 'data-slug="public"' not in html
    found = operator_client.get("/operators/?q=bravo").content.decode()
    assert 'data-slug="bravo"' in found and 'data-slug="alpha"' not in found
    by_owner = operator_client.get("/operators/?q=ann@alpha").content.decode()
    assert 'data-slug="alpha"' in by_owner and 'data-slug="bravo"' not in by_owner
    by_status = operator_client.get("/operators/?status=suspended").content.decode()
    assert 'data-slug="alpha"' not in by_status


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "选择一个有效的选项"), ("en", "Select a valid choice")])
def test_an_unknown_store_action_is_refused_in_both_languages(operator_client, store_a, language, expected):
    operator_client.cookies["django_language"] = language
    response = operator_client.post(f"/operators/tenants/{store_a.tenant.pk}/", {"action": "purge", "reason": "x"})
    assert response.status_code == 400 and expected in response.content.decode()
    assert not AuditLog.objects.filter(tenant_id=store_a.tenant.pk).exists()


def test_suspend_needs_a_reason(operator_client, store_a):
    response = operator_client.post(f"/operators/tenants/{store_a.tenant.pk}/", {"action": "suspend", "reason": " "})
    assert response.status_code == 400
    assert 'data-field="reason"' in response.content.decode()
    assert Tenant.objects.get(pk=store_a.tenant.pk).status == Tenant.Status.ACTIVE
    assert not AuditLog.objects.filter(tenant_id=store_a.tenant.pk).exists()


def test_suspend_and_resume_are_audited_and_close_the_store(operator_client, store_a, client_a,
                                                            django_capture_on_commit_callbacks):
    url = f"/operators/tenants/{store_a.tenant.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(url, {"action": "suspend", "reason": "违规售卖"})
    assert response.status_code == 302
    tenant = Tenant.objects.get(pk=store_a.tenant.pk)
    assert (tenant.status, tenant.status_before_suspension) == (Tenant.Status.SUSPENDED, Tenant.Status.ACTIVE)
    assert client_a.get("/api/v1/storefront/layout/").json()["code"] == "store_suspended"
    connection.set_schema_to_public()

    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(url, {"action": "resume", "reason": "已整改"})
    assert Tenant.objects.get(pk=store_a.tenant.pk).status == Tenant.Status.ACTIVE
    assert client_a.get("/api/v1/storefront/layout/").status_code == 200
    connection.set_schema_to_public()

    entries = list(AuditLog.objects.filter(tenant_id=store_a.tenant.pk).order_by("id"))
    assert [(e.action, e.reason, e.actor_label) for e in entries] == [
        ("tenant.suspend", "违规售卖", "olga"),
        ("tenant.resume", "已整改", "olga"),
    ]
    assert "违规售卖" in operator_client.get("/operators/audit/").content.decode()


def test_resume_of_an_active_store_is_a_clear_error(operator_client, store_a):
    response = operator_client.post(f"/operators/tenants/{store_a.tenant.pk}/", {"action": "resume", "reason": "x"})
    assert response.status_code == 400
    assert "只有已暂停的店铺可以恢复" in response.content.decode()


def test_audit_log_is_append_only_in_the_database(operator_client, store_a, django_capture_on_commit_callbacks):
    operator_client.post(f"/operators/tenants/{store_a.tenant.pk}/", {"action": "suspend", "reason": "check"})
    entry = AuditLog.objects.get(tenant_id=store_a.tenant.pk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).delete()
