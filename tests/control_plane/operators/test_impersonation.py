"""An operator's read-only support visit to a store's console: audited with its reason, a single-use link
that works only on that store's host, every page visible, nothing changeable."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import connection
from django_tenants.utils import schema_context

from control_plane.operators.models import AuditLog
from tenants.staff.models import StaffMember


def open_link(operator_client, store, django_capture_on_commit_callbacks, reason="工单 #1234：订单状态异常"):
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(f"/operators/tenants/{store.tenant.pk}/",
                                        {"action": "impersonate", "reason": reason})
    return response


def test_read_only_visit(operator_client, store_a, store_b, client_a, client_b, django_capture_on_commit_callbacks):
    response = open_link(operator_client, store_a, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    link = urlsplit(response["Location"])
    assert link.hostname == "alpha.localhost" and link.path == "/console/impersonate/"
    audit = AuditLog.objects.get(action="tenant.impersonate")
    assert (audit.tenant_slug, audit.reason, audit.actor_label) == ("alpha", "工单 #1234：订单状态异常", "olga")

    assert client_b.get(f"{link.path}?{link.query}").status_code == 400  # not on another store's host
    connection.set_schema_to_public()
    assert client_a.get(f"{link.path}?{link.query}").status_code == 302
    page = client_a.get("/console/").content.decode()
    assert 'id="impersonation-banner"' in page and "平台运营 olga（只读）" in page
    assert client_a.get("/console/finance/withdrawals/").status_code == 200
    assert client_a.get("/console/store/staff/").status_code == 200
    refused = client_a.post("/console/store/staff/", {"action": "add", "login": "x@alpha.test",
                                                      "password": "Correct-Horse-42", "role": "finance"})
    assert refused.status_code == 403 and "只读访问" in refused.content.decode()
    assert client_a.post("/console/storefront/", {"template": "beauty"}).status_code == 403
    with schema_context(store_a.schema):
        assert not StaffMember.objects.filter(user__username="x@alpha.test").exists()
    connection.set_schema_to_public()
    fresh = type(client_a)(HTTP_HOST=store_a.host)
    assert fresh.get(f"{link.path}?{link.query}").status_code == 400  # single use


def test_a_visit_needs_a_reason(operator_client, store_a, django_capture_on_commit_callbacks):
    response = open_link(operator_client, store_a, django_capture_on_commit_callbacks, reason=" ")
    assert response.status_code == 400 and 'data-field="impersonate_reason"' in response.content.decode()
    assert not AuditLog.objects.filter(action="tenant.impersonate").exists()
