"""Reads of the marketing app."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from tenants.members.models import Member

from .models import Coupon, MemberCoupon


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
