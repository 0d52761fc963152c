"""Issuing coupons: the merchant's 发放 to members (never past the quantity or anyone's limit, the rest skipped),
首单奖励 after a member's first payment only, redemption codes (each once, a wrong one refused by field), and a
fully refunded order giving its coupon back when the store says so (and not when it does not)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core.errors import Conflict, ValidationFailed
from tenants.marketing.models import MarketingSettings, MemberCoupon
from tenants.marketing.selectors import segment_member_ids
from tenants.marketing.services import (
    coupon_claim,
    coupon_code_redeem,
    coupon_codes_generate,
    coupon_issue,
    marketing_settings_get,
)
from tenants.orders.services import order_create, order_mark_paid, order_refund_succeeded
from tests.factories import MemberFactory
from tests.tenants.marketing.test_coupons import _items, make


def _pay(order) -> None:
    order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id=f"tx-{order.pk}",
                    paid_at=timezone.now())


def test_the_merchant_issues_within_the_quantity_and_limits(cart):
    coupon = make(total_quantity=2)
    members = [MemberFactory().pk for _ in range(3)]
    assert segment_member_ids("no_orders")[-3:] == members and segment_member_ids("nobody") == []
    result = coupon_issue(coupon_id=coupon.pk, member_ids=members)
    assert (result.issued, result.skipped) == (2, 1)
    assert MemberCoupon.objects.filter(coupon=coupon, source="merchant").count() == 2
    one_each = make(name="每人一张").pk
    assert coupon_issue(coupon_id=one_each, member_ids=members[:1]).issued == 1
    twice = coupon_issue(coupon_id=one_each, member_ids=members[:2])  # the first holds one already
    assert (twice.issued, twice.skipped) == (1, 1)


def test_first_order_reward_comes_after_the_first_payment_only(cart):
    member = cart["member"]
    reward = make(name="首单返券", auto_issue="first_order", claimable=False)
    first, _created = order_create(member=member, idempotency_key="first-order-01", address_id=cart["address"],
                                   items=_items(cart, lipstick=0))
    assert not MemberCoupon.objects.filter(coupon=reward).exists()  # placed, not paid
    _pay(first)
    assert MemberCoupon.objects.filter(coupon=reward, member=member, source="event").count() == 1
    second, _created = order_create(member=member, idempotency_key="first-order-02", address_id=cart["address"],
                                    items=_items(cart, lipstick=0), coupon_ids=[])
    _pay(second)
    assert MemberCoupon.objects.filter(coupon=reward).count() == 1


def test_redemption_codes_redeem_once(cart):
    coupon = make(name="兑换专享", claimable=False, per_member_limit=2)
    codes = coupon_codes_generate(coupon=coupon, count=3)
    assert len({c.code for c in codes}) == 3 and all(len(c.code) == 10 for c in codes)
    held = coupon_code_redeem(member=cart["member"], code=f" {codes[0].code.lower()} ")
    assert (held.coupon_id, held.source) == (coupon.pk, "code")
    with pytest.raises(Conflict) as used:
        coupon_code_redeem(member=MemberFactory(), code=codes[0].code)
    assert used.value.code == "code_used"
    with pytest.raises(ValidationFailed) as wrong:
        coupon_code_redeem(member=cart["member"], code="NOTACODE00")
    assert wrong.value.fields == {"code": ["兑换码不正确。"]}
    with pytest.raises(ValidationFailed) as too_many:
        coupon_codes_generate(coupon=coupon, count=0)
    assert "count" in too_many.value.fields


@pytest.mark.parametrize("give_back", [True, False])
def test_a_fully_refunded_order_returns_its_coupon_when_the_store_says_so(cart, give_back):
    MarketingSettings.objects.update_or_create(pk=marketing_settings_get().pk,
                                               defaults={"return_coupons_on_refund": give_back})
    member = cart["member"]
    held = coupon_claim(member=member, coupon_id=make().pk)
    order, _created = order_create(member=member, idempotency_key="refund-coupon-1", address_id=cart["address"],
                                   items=_items(cart))
    _pay(order)
    lines = {line.pk: (line.quantity, line.paid_fen) for line in order.lines.all()}
    first = next(iter(lines))
    order_refund_succeeded(order_id=order.pk, after_sale_id=None, amount_fen=lines[first][1],
                           lines={first: lines[first]}, refund_no="refund-part")
    held.refresh_from_db()
    assert held.status == "used"  # a partial refund keeps it
    rest = {pk: value for pk, value in lines.items() if pk != first}
    order_refund_succeeded(order_id=order.pk, after_sale_id=None, amount_fen=sum(v[1] for v in rest.values()),
                           lines=rest, refund_no="refund-rest")
    held.refresh_from_db()
    assert held.status == ("unused" if give_back else "used")
