from django.conf import settings
from django.db import models


class StaffMember(models.Model):
    """A console user of this store and the role that decides what they may see and do."""

    class Role(models.TextChoices):
        OWNER = "owner", "店主"
        ADMIN = "admin", "管理员"
        OPERATIONS = "operations", "运营"
        FINANCE = "finance", "财务"
        CUSTOMER_SERVICE = "customer_service", "客服"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"
