"""A store closed longer than the retention period loses its schema and domains; its registry row and
invoices stay. Earlier, or for a store that is not closed, nothing is dropped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_exists

from billing.models import Invoice
from control_plane.tenancy.models import Domain, Tenant
from control_plane.tenancy.services import tenant_provision, tenant_purge
from core.errors import IllegalTransition


def closed_store(slug: str, days_ago: int) -> Tenant:
    tenant = tenant_provision(slug=slug, name=slug, template_code="beauty")
    Tenant.objects.filter(pk=tenant.pk).update(status=Tenant.Status.CLOSED,
                                               closed_at=timezone.now() - timedelta(days=days_ago))
    Invoice.objects.create(tenant=tenant, stripe_id=f"in_{slug}", status="paid", currency="cny",
                           amount_due_minor=9900, amount_paid_minor=9900, created_at=timezone.now())
    return Tenant.objects.get(pk=tenant.pk)


def test_purge_after_retention_keeps_the_row_and_invoices(db, settings, capsys):
    settings.BILLING_RETENTION_DAYS = 90
    old, recent = closed_store("gone-shop", 91), closed_store("kept-shop", 30)
    call_command("purge_closed_stores", "--dry-run")
    assert "gone-shop" in capsys.readouterr().out and schema_exists(old.schema_name)
    with pytest.raises(IllegalTransition, match="数据保留至"):
        tenant_purge(tenant=recent)
    call_command("purge_closed_stores", "--no-progress")
    old.refresh_from_db()
    assert old.purged_at is not None and not schema_exists(old.schema_name)
    assert not Domain.objects.filter(tenant=old).exists() and Invoice.objects.filter(tenant=old).count() == 1
    assert schema_exists(recent.schema_name) and Domain.objects.filter(tenant=recent).exists()
    with pytest.raises(IllegalTransition):
        tenant_purge(tenant=old)  # once only


def test_an_open_store_is_never_purged(store_a):
    with pytest.raises(IllegalTransition, match="只有已关闭"):
        tenant_purge(tenant=store_a.tenant)
    assert schema_exists(store_a.schema)
