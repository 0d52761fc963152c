"""Shoppers' data rights (PIPL): every request to download or delete one's personal data, and its outcome, kept
as the audit of who asked, who carried it out and when."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivacyRequest(models.Model):
    class Kind(models.TextChoices):
        EXPORT = "export", _("下载个人信息")
        DELETE = "delete", _("注销并删除个人信息")

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        DONE = "done", _("已完成")

    member_id = models.BigIntegerField(db_index=True)  # kept after the deletion: the member's anonymous id
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_by = models.CharField(max_length=150)  # "member", or the staff login
    done_by = models.CharField(max_length=150, blank=True)
    blocked_reason = models.CharField(max_length=200, blank=True)  # why it could not be carried out yet
    requested_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.member_id}: {self.status}"
