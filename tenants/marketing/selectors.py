"""Reads of the marketing app."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from tenants.catalog.models import Product
from tenants.members.models import Member

from .flash import flash_gate_left
from .models import Campaign, Coupon, FlashSaleItem, MemberCoupon


def coupons_claimable(*, member: Member | None, now: datetime | None = None) -> QuerySet[Coupon]:
    """The coupon centre: active claimable coupons still within their window, with ``left`` and (for a member)
    ``held`` — how many of each the member already has."""
    now = now or timezone.now()
    found = (Coupon.objects.filter(status=Coupon.Status.ACTIVE, claimable=True)
             .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
             .annotate(left=F("total_quantity") - F("issued_count")))
    if member is not None:
        found = found.annotate(held=Count("issued", filter=Q(issued__member=member)))
    return found.order_by("-created_at", "-id")


def member_coupons(*, member: Member, state: str, now: datetime | None = None) -> QuerySet[MemberCoupon]:
    """The member's coupons that are ``usable`` (unused and valid), ``used``, or ``expired`` (unused, past)."""
    now = now or timezone.now()
    mine = MemberCoupon.objects.filter(member=member).select_related("coupon")
    if state == "used":
        return mine.filter(status=MemberCoupon.Status.USED).order_by("-used_at")
    if state == "expired":
        return mine.filter(status=MemberCoupon.Status.UNUSED, valid_until__lte=now).order_by("-valid_until")
    return mine.filter(status=MemberCoupon.Status.UNUSED, valid_until__gt=now).exclude(
        coupon__status=Coupon.Status.ENDED).order_by("valid_until", "id")


def coupons_for_console() -> QuerySet[Coupon]:
    """Every coupon with how many were claimed and used."""
    return Coupon.objects.annotate(
        used=Count("issued", filter=Q(issued__status=MemberCoupon.Status.USED))).order_by("-created_at", "-id")


def flash_items_on_show(*, now: datetime | None = None, days_ahead: int = 7) -> list[FlashSaleItem]:
    """Flash-sale items running now or starting within ``days_ahead`` days, soonest first, with their SKU and
    product (and ``left``: the units the gate still has, or the database's when there is no gate)."""
    now = now or timezone.now()
    items = list(FlashSaleItem.objects.select_related("flash_sale", "sku__product")
                 .filter(flash_sale__status=Campaign.Status.ACTIVE, flash_sale__ends_at__gt=now,
                         flash_sale__starts_at__lte=now + timedelta(days=days_ahead),
                         sku__product__status=Product.Status.ON_SALE)
                 .order_by("flash_sale__starts_at", "flash_sale_id", "pk"))
    for item in items:
        gate = flash_gate_left(item.pk)
        item.left = item.quota - item.sold_count if gate is None else max(min(gate, item.quota - item.sold_count), 0)
    return items
