"""How much of its plan a store uses, counted in its own schema."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from control_plane.tenancy.models import Domain, Tenant

from .limits import RESOURCES, PlanLimits, usage_now


def usage_for(tenant: Tenant) -> dict[str, int]:
    with schema_context(tenant.schema_name):
        return usage_now()


def usage_over(*, tenant: Tenant, limits: PlanLimits, usage: dict[str, int] | None = None) -> list[str]:
    """What the store uses beyond ``limits``, one sentence per limit, for a refused downgrade."""
    usage = usage if usage is not None else usage_for(tenant)
    problems = []
    for resource, label in RESOURCES.items():
        limit = limits.limit(resource)
        if resource != "orders_per_month" and limit is not None and usage[resource] > limit:
            problems.append(_("%(what)s已有 %(used)s 个，上限 %(limit)s 个") % {
                "what": label, "used": usage[resource], "limit": limit})
    if tenant.template_id and not limits.allows_template(tenant.template.code):
        problems.append(_("正在使用的模板「%(name)s」不在该套餐内") % {"name": tenant.template.name})
    with schema_context("public"):
        if not limits.custom_domain and Domain.objects.filter(tenant=tenant, is_custom=True).exists():
            problems.append(_("该套餐不含自定义域名，请先移除已绑定的域名"))
    return problems
