"""Reads of the tenant registry."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from .models import Domain, Tenant
from .validators import slug_problems

HOST_CACHE_PREFIX = "tenancy:host:"
VERIFIED_CUSTOM_DOMAINS_KEY = "tenancy:verified-custom-domains"
_NOT_FOUND = "-"


def host_cache_key(hostname: str) -> str:
    return HOST_CACHE_PREFIX + hostname


# In front of Redis, a few seconds in this process: most requests then cost no round trip at all to find
# their store. A change made here is seen at once (signals clear it); other processes see it within
# LOCAL_HOST_CACHE_SECONDS.
LOCAL_HOST_CACHE_SECONDS = 5
_local_hosts: dict[str, tuple[float, Tenant | None]] = {}


def forget_local_hosts(hosts: list[str] | None = None) -> None:
    """Drop these hosts (or all) from this process's short cache."""
    if hosts is None:
        _local_hosts.clear()
    for host in hosts or ():
        _local_hosts.pop(host, None)


def tenant_for_host(hostname: str, *, cache_seconds: int) -> Tenant | None:
    """The tenant a host name reaches, cached in Redis (a miss is cached too, so a flood of made-up
    hosts does not reach the database) and briefly in this process. Entries are dropped when a tenant
    or domain changes."""
    if cache_seconds:
        hit = _local_hosts.get(hostname)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
    tenant = _tenant_for_host_shared(hostname, cache_seconds=cache_seconds)
    if cache_seconds:
        if len(_local_hosts) > 10_000:
            _local_hosts.clear()
        _local_hosts[hostname] = (time.monotonic() + min(cache_seconds, LOCAL_HOST_CACHE_SECONDS), tenant)
    return tenant


def _tenant_for_host_shared(hostname: str, *, cache_seconds: int) -> Tenant | None:
    key = host_cache_key(hostname)
    with schema_context("public"):
        cached = cache.get(key) if cache_seconds else None
        if cached is not None:
            return None if cached == _NOT_FOUND else cached
        domain = (
            Domain.objects.select_related("tenant")
            .filter(domain=hostname, is_verified=True)
            .first()
        )
        tenant = domain.tenant if domain else None
        if cache_seconds:
            cache.set(key, tenant if tenant is not None else _NOT_FOUND, timeout=cache_seconds)
        return tenant


def verified_custom_domains() -> list[str]:
    with schema_context("public"):
        domains = cache.get(VERIFIED_CUSTOM_DOMAINS_KEY)
        if domains is None:
            domains = list(
                Domain.objects.filter(is_custom=True, is_verified=True).values_list("domain", flat=True)
            )
            cache.set(VERIFIED_CUSTOM_DOMAINS_KEY, domains, timeout=60)
        return domains


def tenant_search(*, query: str = "", status: str = "", plan_code: str = "") -> QuerySet[Tenant]:
    tenants = Tenant.objects.exclude(schema_name="public").select_related("template")
    if query:
        tenants = tenants.filter(
            Q(slug__icontains=query) | Q(name__icontains=query) | Q(owner_login__icontains=query)
            | Q(domains__domain__icontains=query)
        ).distinct()
    if status:
        tenants = tenants.filter(status=status)
    if plan_code:
        tenants = tenants.filter(plan_code=plan_code)
    return tenants.order_by("-created_at")


def tenant_schemas_for_fan_out() -> list[str]:
    """Schemas whose periodic jobs should run: every store that is not suspended or closed."""
    return list(
        Tenant.objects.exclude(schema_name="public")
        .filter(status__in=[Tenant.Status.TRIALING, Tenant.Status.ACTIVE, Tenant.Status.PAST_DUE])
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )


def slug_availability_problems(slug: str) -> list[str]:
    """Format problems, or that the (normalised) slug is taken; empty when it can be used."""
    problems = slug_problems(slug)
    if not problems and Tenant.objects.filter(slug=slug).exists():
        problems = [_("这个域名前缀已被使用，请换一个。")]
    return problems


def store_schemas() -> list[str]:
    """Every store schema that exists (purged stores have none), oldest store first."""
    return list(Tenant.objects.exclude(schema_name="public").filter(purged_at__isnull=True).order_by("pk")
                .values_list("schema_name", flat=True))


def tenants_due_for_purge(*, now: datetime) -> list[Tenant]:
    """Closed stores whose retention period is over and whose data is still there."""
    cutoff = now - timedelta(days=settings.BILLING_RETENTION_DAYS)
    return list(Tenant.objects.filter(status=Tenant.Status.CLOSED, purged_at__isnull=True, closed_at__lte=cutoff)
                .order_by("closed_at"))
