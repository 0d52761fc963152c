"""Operator actions. Each one and its audit entry are one transaction."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from billing.models import Plan
from billing.services import PlanInput, plan_save
from control_plane.storefront_templates.services import (
    TemplateInput,
    template_save_by_operator,
    template_set_active,
)
from control_plane.tenancy.models import Tenant
from control_plane.tenancy.services import store_link_make, store_link_redeem, tenant_resume, tenant_suspend
from core.errors import ValidationFailed

from .models import AuditLog, JobFailure

IMPERSONATE_SALT = "operators.impersonate"
IMPERSONATE_MAX_AGE_S = 120


def _audit(*, operator, action: str, tenant: Tenant, reason: str, ip: str | None) -> AuditLog:
    return AuditLog.objects.create(
        actor=operator, actor_label=operator.get_username(), action=action, tenant_id=tenant.pk,
        tenant_slug=tenant.slug, reason=reason, ip_address=ip,
    )


@transaction.atomic
def operator_suspend_tenant(*, operator, tenant: Tenant, reason: str, ip: str | None = None) -> Tenant:
    tenant = tenant_suspend(tenant=tenant, reason=reason)
    _audit(operator=operator, action=AuditLog.Action.TENANT_SUSPEND, tenant=tenant, reason=reason.strip(), ip=ip)
    return tenant


@transaction.atomic
def operator_resume_tenant(*, operator, tenant: Tenant, reason: str, ip: str | None = None) -> Tenant:
    if not reason.strip():
        raise ValidationFailed(_("请填写恢复原因。"), fields={"reason": [_("请填写恢复原因。")]})
    tenant = tenant_resume(tenant=tenant)
    _audit(operator=operator, action=AuditLog.Action.TENANT_RESUME, tenant=tenant, reason=reason.strip(), ip=ip)
    return tenant


@transaction.atomic
def operator_create(*, login: str, password: str):
    """A platform operator account (public schema)."""
    user = get_user_model().objects.create_user(username=login, password=password, is_staff=True)
    return user


@transaction.atomic
def operator_plan_save(*, operator, code: str, values: PlanInput, create: bool = False,
                       ip: str | None = None) -> Plan:
    plan = plan_save(code=code, values=values, create=create)
    AuditLog.objects.create(actor=operator, actor_label=operator.get_username(), action=AuditLog.Action.PLAN_SAVE,
                            reason=f"{'新建' if create else '修改'}套餐 {plan.code}", ip_address=ip)
    return plan


def job_failure_record(*, task_name: str, schema_name: str, exception: BaseException) -> JobFailure:
    """Called from Celery's ``task_failure`` signal, in whatever schema the task ran: written to public."""
    with schema_context("public"):
        return JobFailure.objects.create(task_name=task_name[:200], schema_name=schema_name[:63],
                                         exception=f"{type(exception).__name__}: {exception}"[:300])


@transaction.atomic
def operator_template_save(*, operator, code: str, values: TemplateInput, create: bool = False,
                           ip: str | None = None):
    template = template_save_by_operator(code=code, values=values, create=create)
    AuditLog.objects.create(actor=operator, actor_label=operator.get_username(),
                            action=AuditLog.Action.TEMPLATE_SAVE, ip_address=ip,
                            reason=f"{'新建' if create else '修改'}模板 {template.code}")
    return template


@transaction.atomic
def operator_template_set_active(*, operator, code: str, active: bool, ip: str | None = None):
    template = template_set_active(code=code, active=active)
    AuditLog.objects.create(actor=operator, actor_label=operator.get_username(),
                            action=AuditLog.Action.TEMPLATE_SAVE, ip_address=ip,
                            reason=f"{'恢复' if active else '停用'}模板 {template.code}")
    return template


@transaction.atomic
def operator_impersonate(*, operator, tenant: Tenant, reason: str, ip: str | None = None) -> str:
    """A single-use, two-minute link that opens the store's console read-only for support, audited with
    its reason. The link works only on that store's host."""
    reason = reason.strip()
    if not reason:
        message = _("请填写查看原因（记入操作日志）。")
        raise ValidationFailed(message, fields={"reason": [message]})
    if tenant.purged_at:
        raise ValidationFailed(_("店铺数据已清除。"), fields={"reason": [_("店铺数据已清除。")]})
    _audit(operator=operator, action=AuditLog.Action.TENANT_IMPERSONATE, tenant=tenant, reason=reason, ip=ip)
    return store_link_make(tenant=tenant, path="/console/impersonate/", salt=IMPERSONATE_SALT,
                           data={"o": operator.get_username()}, max_age_s=IMPERSONATE_MAX_AGE_S)


def impersonation_redeem(*, token: str, schema_name: str) -> str | None:
    """The operator a read-only link was made for, or None if forged, expired, used or for another store."""
    data = store_link_redeem(token=token, salt=IMPERSONATE_SALT, schema_name=schema_name,
                             max_age_s=IMPERSONATE_MAX_AGE_S)
    return str(data["o"]) if data else None
