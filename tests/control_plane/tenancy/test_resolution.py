"""Host -> store resolution, unknown hosts, suspended stores."""

from django.db import connection
from django_tenants.utils import schema_context

from control_plane.tenancy.models import Domain, Tenant
from control_plane.tenancy.services import tenant_resume, tenant_suspend


def test_each_store_host_serves_its_own_layout(client_a, client_b):
    assert client_a.get("/api/v1/storefront/layout/").json()["store_name"] == "Alpha 美妆"
    assert client_b.get("/api/v1/storefront/layout/").json()["store_name"] == "Bravo 生鲜"


def test_unknown_host_is_404_never_the_public_schema(db, client):
    response = client.get("/", HTTP_HOST="nobody.localhost")
    assert response.status_code == 404
    assert client.get("/operators/login/", HTTP_HOST="nobody.localhost").status_code == 404


def test_host_outside_platform_domain_is_404(db, client):
    assert client.get("/", HTTP_HOST="evil.example.com").status_code == 404


def test_platform_host_serves_signup(platform_client):
    response = platform_client.get("/")
    assert response.status_code == 200
    assert "创建店铺" in response.content.decode()


def test_suspended_store_answers_with_machine_readable_code_and_keeps_data(
        store_a, client_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tenant_suspend(tenant=store_a.tenant, reason="unpaid")
    api = client_a.get("/api/v1/storefront/layout/")
    assert api.status_code == 503
    assert api.json()["code"] == "store_suspended"
    page = client_a.get("/")
    assert page.status_code == 503
    assert "store_suspended" in page.content.decode()
    # The console stays reachable so the merchant can see why and fix it.
    assert client_a.get("/console/login/").status_code == 200
    connection.set_schema_to_public()  # the requests above left the connection in alpha's schema
    with django_capture_on_commit_callbacks(execute=True):
        tenant_resume(tenant=store_a.tenant)
    assert client_a.get("/api/v1/storefront/layout/").status_code == 200


def test_closed_store_is_gone(store_a, client_a, django_capture_on_commit_callbacks):
    assert client_a.get("/api/v1/storefront/layout/").status_code == 200  # cached as open
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        tenant = Tenant.objects.get(pk=store_a.tenant.pk)
        tenant.status = Tenant.Status.CLOSED
        tenant.save(update_fields=["status"])
    response = client_a.get("/api/v1/storefront/layout/")
    assert response.status_code == 410
    assert response.json()["code"] == "store_closed"


def test_unverified_custom_domain_does_not_resolve(store_a, client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    with schema_context("public"):
        Domain.objects.create(domain="shop.alpha-brand.test", tenant=store_a.tenant, is_primary=False,
                              is_custom=True, is_verified=False)
    assert client.get("/", HTTP_HOST="shop.alpha-brand.test").status_code == 404
