"""分享奖励: a share link that brings a new member rewards the sharer (points, and the share-reward coupons when the
store says so); the member's first paid order rewards again, once; never for oneself, an old member, the sharer's
own device, or past the daily cap (recorded as refused, with the reason); an order refunded in full takes its
reward back (points taken back, unused coupons void)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tenants.ledger.selectors import ledger_reconcile
from tenants.loyalty.points import points_balance
from tenants.marketing.models import Coupon, MemberCoupon, ShareReward
from tenants.marketing.services import CouponInput, coupon_create
from tenants.marketing.sharing import share_code_for, share_referral_record, share_settings_update
from tenants.orders.models import OrderLine
from tenants.orders.services import order_create, order_mark_paid, order_refund_succeeded
from tests.factories import AddressFactory, MemberFactory

RULES = {"enabled": True, "new_member_points": 50, "new_member_coupons": False, "order_points": 100,
         "order_coupons": True, "daily_cap": 3, "window_days": 30}


def _shop(cart):
    share_settings_update(**RULES)
    coupon_create(values=CouponInput(name="邀请有礼券", kind="amount_off", amount_fen=1000, total_quantity=100,
                                     per_member_limit=5, valid_days=30, auto_issue=Coupon.AutoIssue.SHARE_REWARD))
    sharer = MemberFactory()
    return sharer, share_code_for(member=sharer, device_id="sharer-phone").code


def test_a_new_member_and_their_first_order_reward_the_sharer_once(cart):
    sharer, code = _shop(cart)
    friend = MemberFactory()
    referral = share_referral_record(member=friend, code=code, device_id="friend-phone")
    assert referral is not None and points_balance(member_id=sharer.pk) == 50
    assert share_referral_record(member=friend, code=code) is None  # brought once
    address = AddressFactory(member=friend).pk
    first, _created = order_create(member=friend, idempotency_key="share-0001", address_id=address,
                                   items=[{"sku_id": cart["cream"], "quantity": 1}], coupon_ids=[])
    order_mark_paid(order_id=first.pk, paid_fen=first.payable_fen, transaction_id="tx-s1", paid_at=timezone.now())
    second, _created = order_create(member=friend, idempotency_key="share-0002", address_id=address,
                                    items=[{"sku_id": cart["lipstick"], "quantity": 1}], coupon_ids=[])
    order_mark_paid(order_id=second.pk, paid_fen=second.payable_fen, transaction_id="tx-s2", paid_at=timezone.now())
    assert points_balance(member_id=sharer.pk) == 150  # the first order only
    reward = ShareReward.objects.get(kind="order")
    assert reward.order_id == first.pk and len(reward.member_coupon_ids) == 1
    line = OrderLine.objects.get(order=first)
    order_refund_succeeded(order_id=first.pk, after_sale_id=None, amount_fen=line.paid_fen,
                           lines={line.pk: (1, line.paid_fen)}, refund_no="R-share")
    reward.refresh_from_db()
    assert reward.status == "reversed" and points_balance(member_id=sharer.pk) == 50
    assert MemberCoupon.objects.get(pk=reward.member_coupon_ids[0]).status == "void"
    assert ledger_reconcile().ok


def test_no_reward_for_oneself_old_members_the_same_device_or_past_the_cap(cart):
    sharer, code = _shop(cart)
    assert share_referral_record(member=sharer, code=code) is None
    old = MemberFactory()
    assert share_referral_record(member=old, code=code, now=timezone.now() + timedelta(hours=2)) is None
    same_phone = MemberFactory()
    share_referral_record(member=same_phone, code=code, device_id="sharer-phone")
    assert ShareReward.objects.get(referral__member=same_phone).reason == "device"
    for n in range(4):
        share_referral_record(member=MemberFactory(), code=code, device_id=f"phone-{n}")
    given = ShareReward.objects.filter(status="given").count()
    assert given == 3 and ShareReward.objects.filter(reason="cap").count() == 1
    assert points_balance(member_id=sharer.pk) == 150
    assert share_referral_record(member=MemberFactory(), code="nosuchcode") is None
