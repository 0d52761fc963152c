"""Everything a fresh database needs before the first sign-up: the public tenant and the platform host's
domains, the template catalog and the migrated base schema that new stores are cloned from."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from control_plane.storefront_templates.services import template_seed_catalog

from . import provisioning
from .models import Domain, Tenant


@transaction.atomic
def platform_public_tenant_ensure() -> Tenant:
    tenant, _ = Tenant.objects.get_or_create(
        schema_name="public",
        defaults={"slug": "public", "name": "Platform", "status": Tenant.Status.ACTIVE},
    )
    hosts = {settings.PLATFORM_DOMAIN}
    if settings.PLATFORM_DOMAIN == "localhost":
        hosts.add("127.0.0.1")
    for host in sorted(hosts):
        is_primary = host == settings.PLATFORM_DOMAIN
        Domain.objects.get_or_create(domain=host, defaults={"tenant": tenant, "is_primary": is_primary})
    return tenant


def platform_bootstrap() -> dict[str, int | bool]:
    """Idempotent. Run after the public schema is migrated."""
    platform_public_tenant_ensure()
    templates_changed = template_seed_catalog()
    base_migrated = provisioning.base_schema_ensure()
    script_written = provisioning.schema_script_refresh()
    return {"templates_changed": templates_changed, "base_schema_migrated": base_migrated,
            "schema_script_written": script_written}
