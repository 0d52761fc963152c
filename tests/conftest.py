"""Fixtures shared by every test.

Two stores exist for the whole session, cloned from the base schema like any real sign-up:
``alpha`` (owner Ann, and Otto, a staff member with fewer rights) and ``bravo`` (owner Ben), whose people
must never see or touch alpha's data. Tests run inside a transaction that is rolled back; Redis (a test
DB of its own) is emptied before each test; and a guard makes any query against the wrong plane raise.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.utils import translation
from django_tenants.utils import schema_context

from control_plane.tenancy import provisioning
from control_plane.tenancy.bootstrap import platform_bootstrap
from control_plane.tenancy.models import Domain, Tenant
from control_plane.tenancy.selectors import forget_local_hosts
from control_plane.tenancy.services import tenant_provision
from core.planes import CONTROL, TENANT
from core.schema_guard import SchemaGuard
from shop_api.throttling import forget_unreported
from tenants.staff.models import StaffMember
from tenants.staff.services import staff_create_owner
from tenants.storefront.services import storefront_apply_template

PASSWORD = "Correct-Horse-42"


@dataclass(frozen=True)
class Store:
    tenant: Tenant
    host: str
    owner_login: str
    staff_login: str | None = None

    @property
    def schema(self) -> str:
        return self.tenant.schema_name


def _create_store(slug: str, name: str, owner_login: str, staff_login: str | None) -> None:
    from control_plane.storefront_templates.selectors import template_get_active

    tenant = tenant_provision(slug=slug, name=name, template_code="beauty", owner_login=owner_login)
    tenant.status = Tenant.Status.ACTIVE
    tenant.save(update_fields=["status"])
    with schema_context(tenant.schema_name):
        storefront_apply_template(template=template_get_active(code="beauty"))
        staff_create_owner(login=owner_login, password=PASSWORD)
        if staff_login:
            user = get_user_model().objects.create_user(username=staff_login, password=PASSWORD)
            StaffMember.objects.create(user=user, role=StaffMember.Role.OPERATIONS)


@pytest.fixture(scope="session", autouse=True)
def django_db_setup(request, django_test_environment, django_db_blocker):
    """The test database, always created, for every session (pytest-django would skip it when no collected
    test asks for ``db``, and a test that commits on its own would then write to the dev database)."""
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
        platform_bootstrap()
        _create_store("alpha", "Alpha 美妆", "ann@alpha.test", "otto@alpha.test")
        _create_store("bravo", "Bravo 生鲜", "ben@bravo.test", None)
        get_user_model().objects.create_user(username="olga", password=PASSWORD, is_staff=True)
    yield
    with django_db_blocker.unblock():
        teardown_databases(db_cfg, verbosity=verbosity)


def _store(slug: str, owner: str, staff: str | None) -> Store:
    with schema_context("public"):
        tenant = Tenant.objects.get(slug=slug)
    return Store(tenant=tenant, host=f"{slug}.localhost", owner_login=owner, staff_login=staff)


@pytest.fixture
def store_a(db) -> Store:
    return _store("alpha", "ann@alpha.test", "otto@alpha.test")


@pytest.fixture
def store_b(db) -> Store:
    return _store("bravo", "ben@bravo.test", None)


@pytest.fixture
def platform_client(db) -> Client:
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def client_a(store_a) -> Client:
    return Client(HTTP_HOST=store_a.host)


@pytest.fixture
def client_b(store_b) -> Client:
    return Client(HTTP_HOST=store_b.host)


def console_login(client: Client, login: str, password: str = PASSWORD):
    return client.post("/console/login/", {"login": login, "password": password})


def assert_refused_in_place(response, *, fields, texts) -> str:
    """A form refused as a console page says it: a 400, each named field's errors next to it, and each message
    (in the page's language). The page, for what else a test wants to see in it."""
    page = response.content.decode()
    assert response.status_code == 400, page[:2000]
    for field in fields:
        assert f'data-field="{field}"' in page, field
    for text in texts:
        assert text in page, text
    return page


@pytest.fixture
def operator_client(platform_client) -> Client:
    response = platform_client.post("/operators/login/", {"login": "olga", "password": PASSWORD})
    assert response.status_code == 302, response.content
    return platform_client


@contextmanager
def store_for_real(slug: str, name: str = ""):
    """A store provisioned and committed for real, for tests whose threads need committed data; dropped after.
    Use inside ``django_db_blocker.unblock()``."""
    with transaction.atomic():
        tenant = tenant_provision(slug=slug, name=name or slug, template_code="beauty")
    try:
        yield tenant
    finally:
        connection.set_schema_to_public()
        Domain.objects.filter(tenant=tenant).delete()
        Tenant.objects.filter(pk=tenant.pk).delete()
        provisioning.schema_drop(tenant.schema_name)


@pytest.fixture(scope="session")
def sandbox_port():
    """The sandbox server (WeChat, WeChat Pay, Stripe stand-ins) on a free port; tests mount their own apps."""
    from sandbox.server import serve

    server, _ = serve(0)
    yield server.server_port
    server.shutdown()


STRIPE_WEBHOOK_SECRET = "whsec_test_billing"


@pytest.fixture
def sms_sandbox(sandbox_port, settings, monkeypatch):
    """A fresh Tencent Cloud SMS sandbox on the sandbox port, with the SDK's endpoint and credentials set to it."""
    from sandbox import server as sandbox_server
    from sandbox.tencent_sms import TencentSmsSandbox

    fake = TencentSmsSandbox(credentials={"AKIDtest": "test-secret-key"}, sdk_app_id="1400000042")
    monkeypatch.setitem(sandbox_server.APPS, "/sms", fake)
    settings.TENCENT_SMS_ENDPOINT = f"http://127.0.0.1:{sandbox_port}"
    settings.TENCENT_SMS_SECRET_ID, settings.TENCENT_SMS_SECRET_KEY = "AKIDtest", "test-secret-key"
    settings.TENCENT_SMS_SDK_APP_ID = "1400000042"
    return fake


def sms_code(fake, phone: str) -> str:
    """The login code the sandbox last texted ``phone``."""
    return next(message["params"][0] for message in fake.messages(phone))


@pytest.fixture
def stripe_fake(sandbox_port, settings, monkeypatch):
    """A fresh Stripe sandbox for this test on the sandbox port, with the SDK pointed at it."""
    from sandbox import server as sandbox_server
    from sandbox.stripe_api import StripeSandbox

    base = f"http://127.0.0.1:{sandbox_port}/stripe"
    fake = StripeSandbox(webhook_secret=STRIPE_WEBHOOK_SECRET, public_base=base)
    monkeypatch.setitem(sandbox_server.APPS, "/stripe", fake)
    settings.STRIPE_API_BASE = base
    settings.STRIPE_SECRET_KEY = "sk_test_billing"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    return fake


@pytest.fixture
def stripe_plans(stripe_fake) -> dict:
    """The plans synced to this test's Stripe sandbox (inside the test's transaction)."""
    from billing.sync import plan_sync, plans_to_sync

    with schema_context("public"):
        return {plan.code: plan_sync(plan) for plan in plans_to_sync()}


@pytest.fixture(autouse=True)
def _clean_redis_and_schema():
    cache.clear()  # the test Redis DB (settings.test): cached host lookups, rate limits, nonces
    forget_local_hosts()  # and the in-process copy of host lookups
    forget_unreported()  # and rate-limit counts not yet added to Redis
    yield
    connection.set_schema_to_public()
    translation.activate(settings.LANGUAGE_CODE)  # a request in English leaves its language active in the thread


def _plane_tables() -> tuple[set[str], set[str]]:
    control, tenant = set(), set()
    for model in apps.get_models(include_auto_created=True):
        plane = getattr(model._meta.app_config, "plane", None)
        if plane == CONTROL:
            control.add(model._meta.db_table)
        elif plane == TENANT:
            tenant.add(model._meta.db_table)
    return control, tenant


@pytest.fixture(autouse=True)
def _schema_guard():
    control, tenant = _plane_tables()
    guard = SchemaGuard(control_tables=control, tenant_tables=tenant, schema_name=lambda: connection.schema_name)
    with connection.execute_wrapper(guard):
        yield
