"""Drop cached host lookups when a tenant or a domain changes, once the change is committed (before the
commit another request could cache the old row again)."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_tenants.utils import schema_context

from .models import Domain, Tenant
from .selectors import VERIFIED_CUSTOM_DOMAINS_KEY, forget_local_hosts, host_cache_key


def _forget(hosts: list[str]) -> None:
    def drop() -> None:
        forget_local_hosts(hosts)
        with schema_context("public"):
            cache.delete_many([host_cache_key(h) for h in hosts] + [VERIFIED_CUSTOM_DOMAINS_KEY])

    transaction.on_commit(drop)


@receiver([post_save, post_delete], sender=Tenant)
def tenant_changed(sender, instance: Tenant, **kwargs) -> None:
    if instance.pk is None:
        return
    _forget(list(Domain.objects.filter(tenant_id=instance.pk).values_list("domain", flat=True)))


@receiver([post_save, post_delete], sender=Domain)
def domain_changed(sender, instance: Domain, **kwargs) -> None:
    _forget([instance.domain])
