"""生日礼: on a member's birthday (store time; 29 February falls on the 28th in other years) the birthday coupon of the
member's level is given, once a year, by the store's daily job."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import Conflict
from tenants.loyalty.levels import member_level
from tenants.members.models import Member

from .models import BirthdayGift, Coupon, MemberCoupon
from .services import coupon_claim


def _born_today(today: date) -> Q:
    born = Q(birthday__month=today.month, birthday__day=today.day)
    if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
        born |= Q(birthday__month=2, birthday__day=29)
    return born


def birthday_gifts_give(*, now: datetime | None = None) -> int:
    """Give today's birthday members their level's coupon (each once this year). Returns how many were given."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    given = 0
    for member in Member.objects.filter(_born_today(today), is_active=True).order_by("pk").iterator(chunk_size=500):
        coupon_id = member_level(member_id=member.pk).birthday_coupon_id
        if coupon_id is None or not Coupon.objects.filter(pk=coupon_id, status=Coupon.Status.ACTIVE).exists():
            continue
        try:
            with transaction.atomic():
                gift = BirthdayGift.objects.create(member=member, year=today.year)
                try:
                    gift.member_coupon = coupon_claim(member=member, coupon_id=coupon_id,
                                                      source=MemberCoupon.Source.EVENT, now=now)
                except Conflict:
                    continue  # the coupon ran out, or the member holds as many as they may: the year is marked
                gift.save(update_fields=["member_coupon"])
                given += 1
        except IntegrityError:
            continue  # given earlier today (a rerun)
    return given
