from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from control_plane.storefront_templates.models import StorefrontTemplate


class Tenant(TenantMixin):
    """A merchant's store. Its data lives in the PostgreSQL schema ``schema_name``."""

    class Status(models.TextChoices):
        TRIALING = "trialing", _("试用中")
        ACTIVE = "active", _("正常营业")
        PAST_DUE = "past_due", _("逾期未付")
        SUSPENDED = "suspended", _("已暂停")
        CLOSED = "closed", _("已关闭")

    # Schemas are created explicitly by tenancy.provisioning (clone or migrate), inside the sign-up
    # transaction, never as a side effect of save().
    auto_create_schema = False
    auto_drop_schema = False

    slug = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.TRIALING, db_index=True)
    status_before_suspension = models.CharField(max_length=16, choices=Status.choices, blank=True)
    suspension_reason = models.CharField(max_length=300, blank=True)
    # Who suspended the store: billing lifts only its own suspensions when the merchant pays.
    suspended_by = models.CharField(max_length=10, choices=[("operator", _("平台")), ("billing", _("欠费"))],
                                    blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Closed longer than the retention period: schema and domains dropped; the row (and its invoices) stay.
    purged_at = models.DateTimeField(null=True, blank=True)
    plan_code = models.CharField(max_length=40, default="trial")
    template = models.ForeignKey(StorefrontTemplate, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="tenants")
    owner_login = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.slug

    @property
    def is_public(self) -> bool:
        return self.schema_name == "public"

    @property
    def data_kept_until(self):
        """When a closed store's data may go: ``BILLING_RETENTION_DAYS`` after it closed."""
        return self.closed_at + timedelta(days=settings.BILLING_RETENTION_DAYS) if self.closed_at else None


class Domain(DomainMixin):
    """A host name that reaches a tenant: ``{slug}.{PLATFORM_DOMAIN}`` or a merchant's own domain."""

    is_custom = models.BooleanField(default=False)
    # Custom domains serve traffic only once their ownership is verified.
    is_verified = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)


class SchemaScript(models.Model):
    """The base schema as SQL, with the schema name as a placeholder: what a new store's schema is made
    from (see tenancy.provisioning). One per set of migrations."""

    fingerprint = models.CharField(max_length=64, unique=True)
    sql = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.fingerprint
