from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    """What an operator did, to which tenant, and why. Append-only: the database refuses UPDATE and
    DELETE on this table (see migration 0002)."""

    class Action(models.TextChoices):
        TENANT_SUSPEND = "tenant.suspend", _("暂停店铺")
        TENANT_RESUME = "tenant.resume", _("恢复营业")
        TENANT_IMPERSONATE = "tenant.impersonate", _("只读查看店铺后台")
        PLAN_SAVE = "plan.save", _("编辑套餐")
        TEMPLATE_SAVE = "template.save", _("编辑店铺模板")
        LOGIN_UNLOCK = "login.unlock", _("解除登录锁定")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    tenant_id = models.BigIntegerField(null=True, db_index=True)
    tenant_slug = models.CharField(max_length=30, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.tenant_slug}"


class JobFailure(models.Model):
    """A background task that failed (after its retries), for the operators' health page. Sentry has the
    details; this keeps the count and the latest few in the platform's own database."""

    task_name = models.CharField(max_length=200)
    schema_name = models.CharField(max_length=63, blank=True)  # the store it ran for; blank: platform task
    exception = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_name} @ {self.schema_name or 'public'}"
