"""Staff and roles from the console: owner and admins add, re-role and remove staff; the owner is untouchable;
seats count against the plan; a removed login stops working at once; others may not open the page."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from billing.models import Plan, Subscription
from tenants.staff.models import StaffMember
from tests.conftest import PASSWORD, console_login


def test_owner_adds_re_roles_and_removes_staff(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    assert "运营" in client_a.get("/console/store/staff/").content.decode()
    response = client_a.post("/console/store/staff/", {"action": "add", "login": "Fay@Alpha.test",
                                                      "password": PASSWORD, "role": "finance"})
    assert response.status_code == 302
    with schema_context(store_a.schema):
        fay = StaffMember.objects.get(user__username="fay@alpha.test")
        owner = StaffMember.objects.get(role="owner")
    connection.set_schema_to_public()
    fay_client = Client(HTTP_HOST=store_a.host)
    console_login(fay_client, "fay@alpha.test")
    assert fay_client.get("/console/finance/withdrawals/").status_code == 200
    assert fay_client.get("/console/store/staff/").status_code == 403  # finance does not manage staff

    assert client_a.post("/console/store/staff/", {"action": "role", "member_id": fay.pk,
                                                  "role": "customer_service"}).status_code == 302
    assert fay_client.get("/console/finance/withdrawals/").status_code == 403
    refused = client_a.post("/console/store/staff/", {"action": "role", "member_id": owner.pk, "role": "finance"})
    assert refused.status_code == 400 and "店主账号不能修改" in refused.content.decode()

    assert client_a.post("/console/store/staff/", {"action": "remove", "member_id": fay.pk}).status_code == 302
    assert fay_client.get("/console/").status_code == 302  # logged out: sent to the login page
    with schema_context(store_a.schema):
        assert not StaffMember.objects.filter(pk=fay.pk).exists()
        assert not get_user_model().objects.get(username="fay@alpha.test").is_active


def test_seats_are_limited_by_the_plan_and_bad_input_is_explained(client_a, store_a):
    with schema_context("public"):
        Subscription.objects.filter(tenant_id=store_a.tenant.pk).update(plan=Plan.objects.get(code="basic"))
    console_login(client_a, store_a.owner_login)
    ok = client_a.post("/console/store/staff/", {"action": "add", "login": "sam@alpha.test", "password": PASSWORD,
                                                "role": "operations"})
    assert ok.status_code == 302  # the third of three seats
    full = client_a.post("/console/store/staff/", {"action": "add", "login": "kim@alpha.test", "password": PASSWORD,
                                                  "role": "operations"})
    assert full.status_code == 403 and "员工账号" in full.content.decode()
    weak = client_a.post("/console/store/staff/", {"action": "add", "login": "", "password": "1", "role": "owner"})
    page = weak.content.decode()
    assert weak.status_code == 400 and all(f'data-field="{f}"' in page for f in ("login", "password", "role"))
