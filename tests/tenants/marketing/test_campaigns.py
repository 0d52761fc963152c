"""Timed discounts and full reductions: defined with field errors; at checkout the timed price comes first (up to
the member's limit), then the best full-reduction tier on the eligible lines, then the coupon, each allocated so
the lines sum exactly; placing the order records what each campaign gave, the limit counts it, and cancelling
gives the allowance back; a paused campaign prices nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, ValidationFailed
from tenants.marketing.campaigns import (
    DiscountItemInput,
    FullReductionInput,
    TimedDiscountInput,
    campaign_act,
    full_reduction_create,
    timed_discount_create,
)
from tenants.marketing.models import CampaignPurchase
from tenants.marketing.services import coupon_claim
from tenants.orders.services import checkout_preview, order_cancel, order_create
from tests.tenants.marketing.test_coupons import _items, make

HOUR = timedelta(hours=1)


def discount(cart, **fields):
    now = timezone.now()
    values = {"name": "周末特惠", "starts_at": now - HOUR, "ends_at": now + HOUR,
              "items": [DiscountItemInput(product_id=cart["lipstick_product"], price_fen=3900)], **fields}
    return timed_discount_create(values=TimedDiscountInput(**values))


def reduction(**fields):
    now = timezone.now()
    values = {"name": "满减节", "starts_at": now - HOUR, "ends_at": now + HOUR,
              "tiers": [{"threshold_fen": 10000, "amount_fen": 1000}, {"threshold_fen": 20000, "amount_fen": 3000}],
              **fields}
    return full_reduction_create(values=FullReductionInput(**values))


def test_definitions_say_what_is_wrong(cart):
    now = timezone.now()
    with pytest.raises(ValidationFailed) as bad:
        timed_discount_create(values=TimedDiscountInput(
            name="", starts_at=now, ends_at=now - HOUR, per_member_limit=0,
            items=[DiscountItemInput(product_id=cart["lipstick_product"], price_fen=5900)]))
    assert set(bad.value.fields) == {"name", "ends_at", "per_member_limit", "items"}
    assert "低于原价" in bad.value.fields["items"][0]
    discount(cart)
    with pytest.raises(ValidationFailed) as twice:
        discount(cart, starts_at=now, ends_at=now + 3 * HOUR)
    assert "已有限时折扣" in twice.value.fields["items"][0]
    with pytest.raises(ValidationFailed) as tiers:
        reduction(tiers=[{"threshold_fen": 20000, "amount_fen": 3000}, {"threshold_fen": 10000, "amount_fen": 1000}])
    assert tiers.value.fields == {"tiers": ["门槛和优惠须逐档递增。"]}
    with pytest.raises(ValidationFailed) as over:
        reduction(tiers=[{"threshold_fen": 10000, "amount_fen": 10000}])
    assert set(over.value.fields) == {"tiers"}


def test_the_steps_apply_in_order_and_the_lines_sum_exactly(cart):
    member = cart["member"]
    discount(cart)  # the lipstick at 39.00 instead of 59.00
    reduction()  # 满 100 减 10, 满 200 减 30
    coupon_claim(member=member, coupon_id=make(name="满100减20").pk)
    preview = checkout_preview(member=member, address_id=cart["address"], items=_items(cart, cream=1, lipstick=2))
    labels = [a["label"] for a in preview.breakdown()["adjustments"]]
    assert labels == ["限时折扣：周末特惠", "满减：满 100.00 减 10.00", "优惠券：满100减20"]
    # 99 + 2 × 39 = 177.00 after the timed price: 满 100 减 10 (200 not reached), then the coupon's 20.
    assert preview.goods_fen == 9900 + 2 * 5900
    assert preview.discount_fen == 4000 + 1000 + 2000
    assert sum(line.paid_fen for line in preview.lines) == 9900 + 7800 - 3000
    assert preview.offers["full_reductions"][0]["next"] == {"gap_fen": 20000 - 17700, "summary": "满 200.00 减 30.00"}
    order, _created = order_create(member=member, idempotency_key="campaign-order-1", address_id=cart["address"],
                                   items=_items(cart, cream=1, lipstick=2))
    assert order.payable_fen == preview.payable_fen
    kinds = dict(CampaignPurchase.objects.filter(order_id=order.pk).values_list("kind", "discount_fen"))
    assert kinds == {"discount": 4000, "reduction": 1000}


def test_percent_and_sku_items_and_a_pause(cart, django_capture_on_commit_callbacks):
    member = cart["member"]
    sale = discount(cart, items=[DiscountItemInput(product_id=cart["lipstick_product"], percent_off_bp=2500),
                                 DiscountItemInput(product_id=cart["lipstick_product"], sku_id=cart["lipstick"],
                                                   price_fen=4999)])
    preview = checkout_preview(member=member, address_id=cart["address"], items=_items(cart, cream=0))
    assert preview.discount_fen == 5900 - 4999  # the SKU's own item beats the product's 7.5 折
    with django_capture_on_commit_callbacks(execute=True):  # the kept board is forgotten once it commits
        campaign_act(campaign=sale, action="pause")
    assert checkout_preview(member=member, address_id=cart["address"], items=_items(cart, cream=0)).discount_fen == 0
    with pytest.raises(Exception, match="不能暂停"):
        campaign_act(campaign=sale, action="pause")


def test_the_member_limit_counts_orders_and_a_cancel_gives_it_back(cart):
    member = cart["member"]
    discount(cart, per_member_limit=2)
    three = _items(cart, cream=0, lipstick=3)
    preview = checkout_preview(member=member, address_id=cart["address"], items=three)
    assert preview.discount_fen == 2 * 2000  # the third at the usual price
    assert "限购 2 件" in preview.adjustments[0].label
    first, _created = order_create(member=member, idempotency_key="limit-order-1", address_id=cart["address"],
                                   items=_items(cart, cream=0, lipstick=1))
    assert checkout_preview(member=member, address_id=cart["address"], items=three).discount_fen == 2000
    order_create(member=member, idempotency_key="limit-order-2", address_id=cart["address"],
                 items=_items(cart, cream=0, lipstick=1))
    assert checkout_preview(member=member, address_id=cart["address"], items=three).discount_fen == 0
    order_cancel(order=first, reason="不要了", actor="member")
    assert checkout_preview(member=member, address_id=cart["address"], items=three).discount_fen == 2000


def test_a_twin_order_priced_before_the_limit_was_used_is_refused(cart):
    """Two orders priced at once both see the allowance; the second to be placed finds it used, under the lock."""
    from tenants.marketing.campaigns import campaign_purchases_take

    member = cart["member"]
    sale = discount(cart, per_member_limit=1)
    order_create(member=member, idempotency_key="twin-order-1", address_id=cart["address"],
                 items=_items(cart, cream=0, lipstick=1))
    with pytest.raises(Conflict) as refused:
        campaign_purchases_take(order_id=10**9, member_id=member.pk,
                                promotions={"timed_discounts": [[sale.pk, 1, 2000, 1]]})
    assert refused.value.code == "discount_limit_reached"


def test_full_reduction_scope_and_percent_tiers(cart):
    member = cart["member"]
    reduction(kind="percent", tiers=[{"threshold_fen": 9000, "percent_off_bp": 1000}],
              scope="categories", scope_ids=[cart["skincare"].pk])
    preview = checkout_preview(member=member, address_id=cart["address"], items=_items(cart))
    assert preview.discount_fen == 990  # 10% of the cream only (in a child of 护肤); the lipstick is not in it
    assert [line.discount_fen for line in preview.lines] == [990, 0]
    assert preview.adjustments[0].label == "满折：满 90.00 打 9 折"
