from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffMember(models.Model):
    """A console user of this store and the role that decides what they may see and do."""

    class Role(models.TextChoices):
        OWNER = "owner", _("店主")
        ADMIN = "admin", _("管理员")
        OPERATIONS = "operations", _("运营")
        FINANCE = "finance", _("财务")
        CUSTOMER_SERVICE = "customer_service", _("客服")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"
