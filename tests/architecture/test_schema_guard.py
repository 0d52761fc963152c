"""The test-time guard turns a query against the wrong plane into an error."""

import pytest
from django_tenants.utils import schema_context

from control_plane.tenancy.models import Tenant
from core.schema_guard import WrongPlaneQuery
from tenants.storefront.models import StorefrontLayout


def test_tenant_context_reading_a_control_plane_table_raises(store_a):
    with schema_context(store_a.schema), pytest.raises(WrongPlaneQuery, match="tenancy_tenant"):
        list(Tenant.objects.all())


def test_public_context_reading_a_tenant_table_raises(db):
    with pytest.raises(WrongPlaneQuery, match="storefront_storefrontlayout"):
        list(StorefrontLayout.objects.all())


def test_right_plane_queries_pass(store_a):
    with schema_context(store_a.schema):
        assert StorefrontLayout.objects.count() == 1
    assert Tenant.objects.filter(slug="alpha").exists()
