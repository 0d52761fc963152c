"""Claims under a crowd, on real threads and commits: 40 members racing for the last 10 coupons get exactly 10;
one member claiming five times at once with a limit of two holds exactly two."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections, transaction
from django_tenants.utils import schema_context

from core.errors import Conflict
from tenants.marketing.models import Coupon, MemberCoupon
from tenants.marketing.services import CouponInput, coupon_claim, coupon_create
from tests.conftest import store_for_real
from tests.factories import MemberFactory

CROWD = 40


@pytest.fixture
def crowd(django_db_blocker):
    with django_db_blocker.unblock(), store_for_real("couponrace", "Coupon race") as tenant:
        with transaction.atomic(), schema_context(tenant.schema_name):
            last_ten = coupon_create(values=CouponInput(name="最后十张", kind="amount_off", amount_fen=500,
                                                        total_quantity=10, valid_days=3))
            two_each = coupon_create(values=CouponInput(name="每人两张", kind="amount_off", amount_fen=500,
                                                        total_quantity=1000, per_member_limit=2, valid_days=3))
            members = [MemberFactory() for _ in range(CROWD)]
        yield tenant, last_ten, two_each, members


def _claim(schema: str, member, coupon_id: int) -> str:
    try:
        with schema_context(schema):
            coupon_claim(member=member, coupon_id=coupon_id)
            return "claimed"
    except Conflict as refusal:
        return refusal.code
    finally:
        connections.close_all()


def test_the_last_coupons_are_never_over_issued(crowd):
    tenant, last_ten, two_each, members = crowd
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda m: _claim(tenant.schema_name, m, last_ten.pk), members))
        again = list(pool.map(lambda _n: _claim(tenant.schema_name, members[0], two_each.pk), range(5)))
    assert sorted(results).count("claimed") == 10 and set(results) == {"claimed", "coupon_gone"}
    assert sorted(again) == ["claimed", "claimed", "coupon_limit_reached", "coupon_limit_reached",
                             "coupon_limit_reached"]
    with schema_context(tenant.schema_name):
        assert Coupon.objects.get(pk=last_ten.pk).issued_count == MemberCoupon.objects.filter(
            coupon=last_ten).count() == 10
        assert MemberCoupon.objects.filter(coupon=two_each, member=members[0]).count() == 2
