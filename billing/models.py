"""Plans, each store's subscription, its invoices and the Stripe events received (public schema).

Amounts are ``*_minor`` with a currency column: Stripe bills in the plan's currency."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from control_plane.tenancy.models import Tenant


class Interval(models.TextChoices):
    MONTH = "month", _("按月")
    YEAR = "year", _("按年")


class Plan(models.Model):
    """What a store pays and what it may do. Operators edit plans here; ``billing_sync_plans`` makes Stripe's
    Products and Prices follow (never edited by hand in two places). A limit left empty is unlimited."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=3, default="cny")
    monthly_price_minor = models.PositiveIntegerField()
    yearly_price_minor = models.PositiveIntegerField()
    trial_days = models.PositiveSmallIntegerField(default=14)
    max_products = models.PositiveIntegerField(null=True, blank=True)
    max_distributors = models.PositiveIntegerField(null=True, blank=True)
    max_staff = models.PositiveIntegerField(null=True, blank=True)
    max_orders_per_month = models.PositiveIntegerField(null=True, blank=True)
    # Storefront template codes this plan may use; empty: all of them.
    templates = ArrayField(models.SlugField(max_length=40), default=list, blank=True)
    custom_domain = models.BooleanField(default=False)
    simulator = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)  # retired plans keep their subscribers but take no new ones
    sort_order = models.PositiveSmallIntegerField(default=0)
    stripe_product_id = models.CharField(max_length=64, blank=True)
    stripe_monthly_price_id = models.CharField(max_length=64, blank=True)
    stripe_yearly_price_id = models.CharField(max_length=64, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "monthly_price_minor"]

    def __str__(self) -> str:
        return self.name

    def price_minor(self, interval: str) -> int:
        return self.yearly_price_minor if interval == Interval.YEAR else self.monthly_price_minor

    def stripe_price_id(self, interval: str) -> str:
        return self.stripe_yearly_price_id if interval == Interval.YEAR else self.stripe_monthly_price_id


class Subscription(models.Model):
    """A store's subscription: the local trial until the merchant checks out, then Stripe's subscription
    as last fetched from Stripe (webhooks trigger the fetch; their payloads are never trusted for state)."""

    class Status(models.TextChoices):
        TRIALING = "trialing", _("试用中")
        ACTIVE = "active", _("已订阅")
        PAST_DUE = "past_due", _("逾期未付")
        UNPAID = "unpaid", _("欠费")
        INCOMPLETE = "incomplete", _("待完成支付")
        INCOMPLETE_EXPIRED = "incomplete_expired", _("支付已过期")
        PAUSED = "paused", _("已暂停")
        CANCELED = "canceled", _("已取消")

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    interval = models.CharField(max_length=5, choices=Interval.choices, default=Interval.MONTH)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.TRIALING, db_index=True)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    # When payment stopped: a trial that ended unpaid or a failed renewal. Suspension follows after a grace period.
    past_due_since = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    # A downgrade waits for the end of the paid period.
    next_plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    next_interval = models.CharField(max_length=5, choices=Interval.choices, blank=True)
    next_plan_at = models.DateTimeField(null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    stripe_subscription_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    stripe_item_id = models.CharField(max_length=64, blank=True)
    # Counts plan changes: part of the idempotency key of each change sent to Stripe.
    change_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tenant_id}:{self.plan_id}:{self.status}"


INVOICE_STATUS_LABELS = {"draft": _("草稿"), "open": _("待支付"), "paid": _("已支付"), "void": _("已作废"),
                         "uncollectible": _("无法收款")}


class Invoice(models.Model):
    """A Stripe invoice of a store, as last fetched from Stripe."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="invoices")
    stripe_id = models.CharField(max_length=64, unique=True)
    number = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20)
    billing_reason = models.CharField(max_length=40, blank=True)
    currency = models.CharField(max_length=3)
    amount_due_minor = models.PositiveIntegerField()
    amount_paid_minor = models.PositiveIntegerField()
    period_start = models.DateTimeField(null=True)
    period_end = models.DateTimeField(null=True)
    hosted_url = models.URLField(max_length=500, blank=True)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number or self.stripe_id

    @property
    def status_label(self) -> str:
        return str(INVOICE_STATUS_LABELS.get(self.status, self.status))


class WebhookEvent(models.Model):
    """A Stripe event received: the unique id is what makes a redelivery a no-op."""

    event_id = models.CharField(max_length=64, unique=True)
    type = models.CharField(max_length=60)
    tenant_id = models.BigIntegerField(null=True, db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_id
