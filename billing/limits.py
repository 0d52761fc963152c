"""What a store's plan allows, for the tenant plane: one function returning a frozen dataclass, so no tenant
app imports billing models, and one check that refuses an action over the limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import schema_context

from core.errors import PlanLimitReached
from core.locks import advisory_xact_lock
from core.schema import current_schema

from .models import Plan, Subscription

# Count limits, with the merchant-facing name of what is counted.
RESOURCES = {
    "products": gettext_lazy("商品"),
    "distributors": gettext_lazy("分销员"),
    "staff": gettext_lazy("员工账号"),
    "orders_per_month": gettext_lazy("本月订单"),
}
FEATURES = {"custom_domain": gettext_lazy("自定义域名"), "simulator": gettext_lazy("佣金模拟器")}
# How each resource is counted in the current store's schema, given by the tenant app that owns it at start-up
# (usage_counter), so billing counts usage without importing any tenant app.
_COUNTERS: dict[str, Callable[[], int]] = {}
# Below this many units of headroom, a check serialises creators of the same resource in the store (an
# advisory lock held to the end of the transaction), so two concurrent requests cannot both take the last unit.
LOCK_MARGIN = 100


@dataclass(frozen=True)
class PlanLimits:
    plan_code: str
    plan_name: str
    max_products: int | None
    max_distributors: int | None
    max_staff: int | None
    max_orders_per_month: int | None
    templates: tuple[str, ...]  # empty: every template
    custom_domain: bool
    simulator: bool

    @classmethod
    def of(cls, plan: Plan) -> PlanLimits:
        return cls(plan_code=plan.code, plan_name=plan.name, max_products=plan.max_products,
                   max_distributors=plan.max_distributors, max_staff=plan.max_staff,
                   max_orders_per_month=plan.max_orders_per_month, templates=tuple(plan.templates),
                   custom_domain=plan.custom_domain, simulator=plan.simulator)

    def limit(self, resource: str) -> int | None:
        return getattr(self, f"max_{resource}")

    def allows_template(self, code: str) -> bool:
        return not self.templates or code in self.templates


def plan_limits_for(*, schema_name: str) -> PlanLimits:
    """The limits of the plan the store is on now (a pending downgrade counts from its date)."""
    with schema_context("public"):
        sub = Subscription.objects.select_related("plan").filter(tenant__schema_name=schema_name).first()
        plan = sub.plan if sub else Plan.objects.get(code=settings.BILLING_TRIAL_PLAN)
        return PlanLimits.of(plan)


def plan_limits_of(*, code: str) -> PlanLimits | None:
    """The limits of a plan on sale (sign-up offers these), or None."""
    with schema_context("public"):
        plan = Plan.objects.filter(code=code, is_active=True).first()
        return PlanLimits.of(plan) if plan else None


def usage_counter(resource: str, count: Callable[[], int]) -> None:
    """Register how ``resource`` is counted in the current schema (from the owning app's ``ready``)."""
    if resource not in RESOURCES:
        raise ValueError(f"unknown plan resource {resource!r}")
    _COUNTERS[resource] = count


def usage_now() -> dict[str, int]:
    """Every counted resource of the store whose schema is current."""
    return {resource: _COUNTERS[resource]() for resource in RESOURCES}


def plan_limit_check(*, resource: str, count: Callable[[], int], adding: int = 1) -> None:
    """Refuse adding ``adding`` more of ``resource`` to the current store when its plan's limit would be
    passed. ``count`` returns how many the store has now. Call inside the creating transaction."""
    limits = plan_limits_for(schema_name=current_schema())
    limit = limits.limit(resource)
    if limit is None:
        return
    used = count()
    if limit - used <= LOCK_MARGIN:
        advisory_xact_lock(f"plan-limit:{resource}")
        used = count()
    if used + adding > limit:
        if resource == "orders_per_month":
            message = _("店铺本月订单已达套餐上限（%(limit)s 单），暂时无法下单。") % {"limit": limit}
        else:
            message = _("当前套餐「%(plan)s」最多可有 %(limit)s 个%(what)s，已用 %(used)s 个。请升级套餐后再添加。") % {
                "plan": limits.plan_name, "limit": limit, "what": RESOURCES[resource], "used": used}
        raise PlanLimitReached(message, fields={resource: [message]})


def plan_feature_check(*, feature: str, schema_name: str | None = None) -> None:
    """Refuse a feature the store's plan does not include."""
    limits = plan_limits_for(schema_name=schema_name or current_schema())
    if not getattr(limits, feature):
        message = _("当前套餐「%(plan)s」不含%(feature)s，请升级套餐。") % {"plan": limits.plan_name,
                                                                       "feature": FEATURES[feature]}
        raise PlanLimitReached(message, fields={feature: [message]})
