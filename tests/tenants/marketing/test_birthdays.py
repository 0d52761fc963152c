"""生日礼: a birthday is set once (a change is refused, as is a date in the future); on the day, the member's level's
birthday coupon is given once a year (29 February births get theirs on the 28th in other years); a level without a
birthday coupon gives nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from core.errors import ValidationFailed
from tenants.loyalty.levels import member_level_set, member_levels
from tenants.loyalty.models import MemberLevel
from tenants.marketing.birthdays import birthday_gifts_give
from tenants.marketing.models import BirthdayGift, MemberCoupon
from tenants.marketing.services import CouponInput, coupon_create
from tenants.members.services import member_update_profile
from tests.factories import MemberFactory


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def test_a_birthday_is_set_once(in_alpha):
    member = MemberFactory()
    with pytest.raises(ValidationFailed) as future:
        member_update_profile(member=member, birthday=date(2030, 1, 1), today=date(2026, 12, 3))
    assert set(future.value.fields) == {"birthday"}
    member_update_profile(member=member, birthday=date(1995, 6, 1), today=date(2026, 12, 3))
    member_update_profile(member=member, birthday=date(1995, 6, 1), nickname="小雨")  # the same date again
    with pytest.raises(ValidationFailed) as changed:
        member_update_profile(member=member, birthday=date(1995, 6, 2))
    assert "不能修改" in changed.value.fields["birthday"][0]


def test_the_levels_birthday_coupon_is_given_once_a_year(in_alpha):
    member_levels()
    gift = coupon_create(values=CouponInput(name="生日礼券", kind="amount_off", amount_fen=2000, total_quantity=100,
                                            per_member_limit=99, valid_days=7))
    MemberLevel.objects.filter(rank=2).update(birthday_coupon_id=gift.pk)
    vip, fan, leap = MemberFactory(), MemberFactory(), MemberFactory()
    for member, born in ((vip, date(1990, 6, 1)), (fan, date(1992, 6, 1)), (leap, date(1996, 2, 29))):
        member_update_profile(member=member, birthday=born, today=date(2026, 12, 3))
    member_level_set(member_id=vip.pk, rank=2, actor="owner", reason="VIP")
    member_level_set(member_id=leap.pk, rank=2, actor="owner", reason="VIP")
    assert birthday_gifts_give(now=_noon(date(2027, 5, 31))) == 0
    assert birthday_gifts_give(now=_noon(date(2027, 6, 1))) == 1  # the 粉丝 level gives no birthday coupon
    assert birthday_gifts_give(now=_noon(date(2027, 6, 1))) == 0  # once
    assert MemberCoupon.objects.filter(member=vip, coupon=gift).count() == 1
    assert birthday_gifts_give(now=_noon(date(2027, 2, 28))) == 1  # not a leap year: the 29th comes on the 28th
    assert BirthdayGift.objects.filter(member=leap, year=2027).exists()
    assert birthday_gifts_give(now=_noon(date(2028, 6, 1))) == 1  # next year again
