"""Password logins are counted by django-axes, per account and per client IP: past the limit the right
password is refused too, with a clear message, until the cool-off ends or an operator unlocks it (audited).
Lockouts of a store's console live in that store."""

from __future__ import annotations

import pytest
from axes.models import AccessFailureLog
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from control_plane.operators.models import AuditLog
from tests.conftest import PASSWORD, console_login


def _operator_login(client: Client, login: str, password: str, ip: str = "198.51.100.20"):
    return client.post("/operators/login/", {"login": login, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def oscar(db):
    with schema_context("public"):
        get_user_model().objects.create_user(username="oscar", password=PASSWORD, is_staff=True)


def test_operator_login_locks_after_the_limit_then_an_operator_unlocks_it(oscar, platform_client, operator_client):
    replies = [_operator_login(platform_client, "oscar", f"guess-{n}").status_code for n in range(55)]
    assert replies[:4] == [400] * 4 and set(replies[4:]) == {429}  # the 5th failure locks
    locked = _operator_login(platform_client, "oscar", PASSWORD)
    assert locked.status_code == 429 and "锁定" in locked.content.decode()
    # Per account: from another address too. Per address: another account from the guesser's address too.
    assert _operator_login(Client(HTTP_HOST="localhost"), "oscar", PASSWORD, ip="203.0.113.77").status_code == 429
    assert _operator_login(Client(HTTP_HOST="localhost"), "olga", PASSWORD).status_code == 429
    with schema_context("public"):
        assert AccessFailureLog.objects.filter(username="oscar").count() >= 55  # every attempt kept
    health = operator_client.get("/operators/health/").content.decode()
    assert 'data-lockout="oscar"' in health and 'data-lockout="198.51.100.20"' in health
    for kind, value in (("username", "oscar"), ("ip_address", "198.51.100.20")):
        assert operator_client.post("/operators/lockouts/unlock/", {"kind": kind, "value": value}).status_code == 302
    assert _operator_login(Client(HTTP_HOST="localhost"), "oscar", PASSWORD).status_code == 302
    with schema_context("public"):
        assert AuditLog.objects.filter(action="login.unlock").count() == 2


def test_store_console_lockout_is_per_store_explained_and_lifted_by_an_operator(store_a, store_b, operator_client):
    alpha, bravo = Client(HTTP_HOST=store_a.host), Client(HTTP_HOST=store_b.host)
    for n in range(6):
        console_login(alpha, store_a.owner_login, f"wrong-{n}")
    alpha.cookies["django_language"] = "en"
    locked = console_login(alpha, store_a.owner_login)
    assert locked.status_code == 429 and "Too many failed logins" in locked.content.decode()
    assert console_login(bravo, store_b.owner_login).status_code == 302  # another store: its own counts
    with schema_context("public"):
        assert not AccessFailureLog.objects.exists()
    connection.set_schema_to_public()
    detail = operator_client.get(f"/operators/tenants/{store_a.tenant.pk}/").content.decode()
    assert f'data-lockout="{store_a.owner_login}"' in detail
    for kind, value in (("username", store_a.owner_login), ("ip_address", "127.0.0.1")):
        assert operator_client.post("/operators/lockouts/unlock/", {
            "kind": kind, "value": value, "tenant": store_a.tenant.pk}).status_code == 302
    assert console_login(Client(HTTP_HOST=store_a.host), store_a.owner_login).status_code == 302
