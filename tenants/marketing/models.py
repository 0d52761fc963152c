"""Coupons: what a store offers (Coupon, with its quantity counted like stock) and what each member holds
(MemberCoupon, used by one order at most)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.members.models import Member


class Coupon(models.Model):
    class Kind(models.TextChoices):
        AMOUNT_OFF = "amount_off", _("满减券")  # a threshold of 0 makes it a no-threshold coupon
        PERCENT_OFF = "percent_off", _("折扣券")
        FREE_SHIPPING = "free_shipping", _("包邮券")

    class Scope(models.TextChoices):
        ALL = "all", _("全部商品")
        CATEGORIES = "categories", _("指定分类")
        PRODUCTS = "products", _("指定商品")

    class Status(models.TextChoices):
        ACTIVE = "active", _("进行中")
        PAUSED = "paused", _("已暂停")
        ENDED = "ended", _("已结束")

    name = models.CharField(max_length=40)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount_fen = models.PositiveBigIntegerField(default=0)  # amount off
    percent_off_bp = models.PositiveIntegerField(default=0)  # 1500 = 15% off (八五折)
    max_discount_fen = models.PositiveBigIntegerField(null=True, blank=True)  # a percent coupon's cap
    threshold_fen = models.PositiveBigIntegerField(default=0)  # the eligible lines must come to this much
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.ALL)
    scope_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)  # category or product ids
    excluded_product_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # Validity: a fixed window, or valid_days from the moment it is claimed.
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    valid_days = models.PositiveIntegerField(null=True, blank=True)
    total_quantity = models.PositiveIntegerField()
    issued_count = models.PositiveIntegerField(default=0)
    per_member_limit = models.PositiveIntegerField(default=1)
    claimable = models.BooleanField(default=True)  # shown in the coupon centre and on product pages
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The database refuses to issue more than the quantity, whatever a service does.
            models.CheckConstraint(condition=models.Q(issued_count__lte=models.F("total_quantity")),
                                   name="coupons_never_over_issued"),
            models.CheckConstraint(condition=models.Q(percent_off_bp__lte=10000), name="coupons_percent_at_most_all"),
        ]

    def __str__(self) -> str:
        return self.name


class MemberCoupon(models.Model):
    class Status(models.TextChoices):
        UNUSED = "unused", _("未使用")
        USED = "used", _("已使用")
        VOID = "void", _("已作废")

    class Source(models.TextChoices):
        CLAIM = "claim", _("领取")
        MERCHANT = "merchant", _("商家发放")

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="issued")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="coupons")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.UNUSED, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CLAIM)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    claimed_at = models.DateTimeField()
    order_id = models.BigIntegerField(null=True, blank=True)  # the order that used it
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["valid_until", "id"]
        indexes = [models.Index(fields=["member", "status", "valid_until"], name="member_coupons_usable")]

    def __str__(self) -> str:
        return f"{self.coupon_id} -> {self.member_id} ({self.status})"
