"""Coupons: defined with clear field errors, claimed within the quantity and each member's limit, valid from the
claim or in a fixed window; at checkout the best one is taken off the eligible lines (allocated so the lines sum
exactly), a chosen one is checked, store and shipping coupons stack one each; placing the order uses it up, a
twin order cannot use it again, cancelling gives it back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, ValidationFailed
from tenants.marketing.models import Coupon, MemberCoupon
from tenants.marketing.services import (
    CouponInput,
    coupon_claim,
    coupon_create,
    coupon_summary,
    marketing_settings_update,
)
from tenants.orders.services import checkout_preview, order_cancel, order_create
from tests.factories import MemberFactory


def make(**fields) -> Coupon:
    values = {"name": "满100减20", "kind": "amount_off", "amount_fen": 2000, "threshold_fen": 10000,
              "total_quantity": 100, "valid_days": 7, **fields}
    return coupon_create(values=CouponInput(**values))


def _items(cart, cream=1, lipstick=1):
    return [{"sku_id": cart["cream"], "quantity": cream}] * bool(cream) + \
        [{"sku_id": cart["lipstick"], "quantity": lipstick}] * bool(lipstick)


def test_definitions_are_checked_field_by_field(in_alpha):
    with pytest.raises(ValidationFailed) as bad:
        coupon_create(values=CouponInput(name="", kind="amount_off", amount_fen=3000, threshold_fen=2000,
                                         total_quantity=0, scope="products", valid_days=None))
    assert set(bad.value.fields) == {"name", "amount_fen", "total_quantity", "scope_ids", "valid_days"}
    assert coupon_summary(make()) == "满 100.00 减 20.00"
    assert coupon_summary(make(kind="percent_off", amount_fen=0, percent_off_bp=1500, max_discount_fen=5000,
                               threshold_fen=0)) == "无门槛 8.5 折，最多减 50.00"


def test_claims_respect_the_limit_and_the_quantity(cart):
    coupon = make(total_quantity=2, per_member_limit=1)
    now = timezone.now()
    held = coupon_claim(member=cart["member"], coupon_id=coupon.pk, now=now)
    assert held.valid_until == now + timedelta(days=7)
    with pytest.raises(Conflict) as twice:
        coupon_claim(member=cart["member"], coupon_id=coupon.pk)
    assert twice.value.code == "coupon_limit_reached"
    coupon_claim(member=MemberFactory(), coupon_id=coupon.pk)
    with pytest.raises(Conflict) as gone:
        coupon_claim(member=MemberFactory(), coupon_id=coupon.pk)
    assert gone.value.code == "coupon_gone"
    coupon.refresh_from_db()
    assert coupon.issued_count == 2


def test_the_best_coupon_is_taken_off_the_eligible_lines(cart):
    member = cart["member"]
    for coupon in (make(), make(name="护肤8折", kind="percent_off", amount_fen=0, percent_off_bp=2000,
                                threshold_fen=0, scope="categories", scope_ids=[cart["skincare"].pk]),
                   make(name="满500减100", amount_fen=10000, threshold_fen=50000)):
        coupon_claim(member=member, coupon_id=coupon.pk)
    preview = checkout_preview(member=member, address_id=cart["address"], items=_items(cart))
    # 满100减20 on 158.00 beats 20% of the cream's 99.00 (19.80); 满500减100 is 342.00 short.
    assert (preview.discount_fen, preview.payable_fen) == (2000, 15800 - 2000 + 800)
    assert [line.discount_fen for line in preview.lines] == [1253, 747]  # 2000 by 9900 : 5900, exactly
    offers = {o["name"]: o for o in preview.offers["coupons"]}
    assert offers["护肤8折"]["discount_fen"] == 1980 and offers["满500减100"]["reason"] == "还差 342.00 元可用"
    chosen = next(mc.pk for mc in MemberCoupon.objects.filter(coupon__name="护肤8折"))
    picked = checkout_preview(member=member, address_id=cart["address"], items=_items(cart), coupon_ids=[chosen])
    assert [line.discount_fen for line in picked.lines] == [1980, 0]  # the lipstick is not skincare
    assert checkout_preview(member=member, address_id=cart["address"], items=_items(cart),
                            coupon_ids=[]).discount_fen == 0
    with pytest.raises(ValidationFailed) as two_store_coupons:
        checkout_preview(member=member, address_id=cart["address"], items=_items(cart),
                         coupon_ids=list(MemberCoupon.objects.exclude(coupon__name="满500减100")
                                         .values_list("pk", flat=True)))
    assert two_store_coupons.value.code == "coupons_do_not_stack"
    with pytest.raises(ValidationFailed):
        checkout_preview(member=member, address_id=cart["address"], items=_items(cart, cream=0),
                         coupon_ids=[chosen])  # no skincare in the cart


def test_free_shipping_stacks_with_a_store_coupon(cart):
    member = cart["member"]
    coupon_claim(member=member, coupon_id=make().pk)
    coupon_claim(member=member, coupon_id=make(name="包邮券", kind="free_shipping", amount_fen=0,
                                                 threshold_fen=0).pk)
    preview = checkout_preview(member=member, address_id=cart["address"], items=_items(cart))
    assert (preview.discount_fen, preview.shipping_fen, preview.payable_fen) == (2000, 0, 13800)
    assert [a["label"] for a in preview.breakdown()["adjustments"]] == ["优惠券：满100减20", "优惠券：包邮券"]


def test_an_order_uses_its_coupon_once_and_a_cancelled_order_gives_it_back(cart):
    member = cart["member"]
    held = coupon_claim(member=member, coupon_id=make().pk)
    order, _ = order_create(member=member, idempotency_key="coupon-order-1", address_id=cart["address"],
                            items=_items(cart))
    held.refresh_from_db()
    assert (held.status, held.order_id) == ("used", order.pk)
    assert order.discount_fen == 2000 and order.pricing["promotions"] == {"coupons": [held.pk],
                                                                  "coupon_discounts": {str(held.pk): 2000}}
    assert sum(line.paid_fen for line in order.lines.all()) == order.goods_fen - 2000
    with pytest.raises(ValidationFailed):  # the coupon is no longer there to choose
        order_create(member=member, idempotency_key="coupon-order-2", address_id=cart["address"],
                     items=_items(cart), coupon_ids=[held.pk])
    second, _ = order_create(member=member, idempotency_key="coupon-order-3", address_id=cart["address"],
                             items=_items(cart))
    assert second.discount_fen == 0  # nothing left to apply
    order_cancel(order=order, reason="不要了", actor="member")
    held.refresh_from_db()
    assert (held.status, held.order_id) == ("unused", None)


def test_the_store_may_let_coupons_stack(cart, django_capture_on_commit_callbacks):
    member = cart["member"]
    for coupon in (make(name="满100减20"), make(name="无门槛5元", amount_fen=500, threshold_fen=0)):
        coupon_claim(member=member, coupon_id=coupon.pk)
    one = checkout_preview(member=member, address_id=cart["address"], items=_items(cart))
    assert one.discount_fen == 2000  # one store coupon by default: the best
    with django_capture_on_commit_callbacks(execute=True):  # the kept board learns the rule once it commits
        marketing_settings_update(return_coupons_on_refund=True, store_coupons_per_order=2)
    both = checkout_preview(member=member, address_id=cart["address"], items=_items(cart))
    assert both.discount_fen == 2500 and len(both.promotions["coupons"]) == 2
    assert sum(line.discount_fen for line in both.lines) == 2500
    with pytest.raises(ValidationFailed):
        marketing_settings_update(return_coupons_on_refund=True, store_coupons_per_order=4)
