"""A store keeps its own copy of a template's layout, can switch template, and edit its copy."""

import copy

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from control_plane.storefront_templates.selectors import template_get_active
from control_plane.tenancy.models import Tenant
from control_plane.tenancy.services import tenant_switch_template
from core.errors import ValidationFailed
from tenants.storefront.models import StorefrontLayout
from tenants.storefront.services import storefront_update_layout
from tests.conftest import console_login


def test_shop_api_serves_the_current_layout(client_a):
    data = client_a.get("/api/v1/storefront/layout/").json()
    assert data["template_code"] == "beauty"
    assert data["layout"]["schema"] == 1
    assert data["layout"]["blocks"][0]["type"] == "banner"
    assert data["theme"]["primary"].startswith("#")


def test_switching_template_replaces_the_copy_and_updates_the_registry(store_a, client_a):
    tenant_switch_template(tenant=store_a.tenant, template_code="fresh_produce")
    with schema_context(store_a.schema):
        assert StorefrontLayout.objects.get().template_code == "fresh_produce"
    connection.set_schema_to_public()
    assert Tenant.objects.get(pk=store_a.tenant.pk).template.code == "fresh_produce"
    assert client_a.get("/api/v1/storefront/layout/").json()["template_code"] == "fresh_produce"


def test_switch_to_unknown_template_is_refused(store_a):
    with pytest.raises(ValidationFailed):
        tenant_switch_template(tenant=store_a.tenant, template_code="nope")


def test_merchant_edits_change_only_their_copy(store_a, store_b):
    template = template_get_active(code="beauty")
    with schema_context(store_a.schema):
        current = StorefrontLayout.objects.get()
        edited = copy.deepcopy(current.layout)
        edited["blocks"].insert(0, {"type": "notice", "text": "双十一全场包邮"})
        updated = storefront_update_layout(layout=edited, theme=current.theme, expected_revision=current.revision)
        assert updated.customised and updated.revision == current.revision + 1
        with pytest.raises(ValidationFailed) as stale:
            storefront_update_layout(layout=edited, theme=current.theme, expected_revision=current.revision)
        assert stale.value.code == "stale_revision"
    with schema_context(store_b.schema):
        assert StorefrontLayout.objects.get().layout == template.layout
    assert template_get_active(code="beauty").layout == template.layout


def test_invalid_layout_edits_are_refused_with_reasons(store_a):
    with schema_context(store_a.schema):
        current = StorefrontLayout.objects.get()
        bad = {"schema": 1, "blocks": [{"type": "banner", "slides": [{"image": "x.png", "link": "https://evil"}]}]}
        with pytest.raises(ValidationFailed) as exc:
            storefront_update_layout(layout=bad, theme={"primary": "red"}, expected_revision=current.revision)
    assert "店内路径" in exc.value.fields["layout"][0]
    assert "配色 primary" in exc.value.fields["theme"][0]


def test_console_template_switch(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    page = client_a.get("/console/storefront/")
    assert page.status_code == 200 and "母婴亲子" in page.content.decode()
    response = client_a.post("/console/storefront/", {"template": "mother_baby"})
    assert response.status_code == 302
    assert client_a.get("/api/v1/storefront/layout/").json()["template_code"] == "mother_baby"


def test_h5_home_renders_the_layout(client_a):
    html = client_a.get("/").content.decode()
    assert "Alpha 美妆" in html
    assert "/static/storefront/banners/beauty-1.svg" in html
    assert client_a.get("/static/storefront/banners/beauty-1.svg").status_code == 200
