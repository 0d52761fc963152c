"""Logins locked by django-axes, seen and lifted by operators: the operator console's own (public schema) and
each store's console (its schema). Lifting one is audited."""

from __future__ import annotations

from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django_tenants.utils import schema_context

from control_plane.tenancy.models import Tenant

from .models import AuditLog


@dataclass(frozen=True)
class Lockout:
    kind: str  # "username" or "ip_address"
    value: str
    failures: int
    last_attempt_at: object


def lockouts(*, tenant: Tenant | None = None) -> list[Lockout]:
    """Accounts and addresses past the failure limit within the cool-off, in the store's schema (or public)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    found = []
    with schema_context(tenant.schema_name if tenant else "public"):
        recent = AccessAttempt.objects.filter(attempt_time__gte=since)
        for kind in ("username", "ip_address"):
            rows = (recent.exclude(**{f"{kind}__isnull": True}).values(kind)
                    .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
                    .filter(failures__gte=settings.AXES_FAILURE_LIMIT).order_by("-last"))
            found += [Lockout(kind=kind, value=row[kind], failures=row["failures"], last_attempt_at=row["last"])
                      for row in rows]
    return found


@transaction.atomic
def operator_unlock_login(*, operator, kind: str, value: str, tenant: Tenant | None = None,
                          ip: str | None = None) -> int:
    """Lift the lockout of an account or an address at once (its failures are forgotten); audited."""
    with schema_context(tenant.schema_name if tenant else "public"):
        removed = reset(username=value) if kind == "username" else reset(ip=value)
    AuditLog.objects.create(actor=operator, actor_label=operator.get_username(), action=AuditLog.Action.LOGIN_UNLOCK,
                            tenant_id=tenant.pk if tenant else None, tenant_slug=tenant.slug if tenant else "",
                            reason=f"{kind}={value}"[:300], ip_address=ip)
    return removed
