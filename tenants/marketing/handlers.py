"""Marketing reacts to orders and members (core.events): a placed order takes what its campaigns gave (flash units,
limited units) and uses up its coupons; a cancelled one returns them all, a fully refunded one its coupons (store
setting); a new member gets the 新人券, a first payment the 首单奖励 (and the sharer who brought the member their
分享奖励, taken back if the order is refunded in full)."""

from __future__ import annotations

from core.events import subscribe
from tenants.members.events import MemberJoined
from tenants.orders.events import OrderCancelled, OrderPaid, OrderPlaced, OrderRefunded
from tenants.orders.models import Order

from .campaigns import campaign_purchases_return, campaign_purchases_take
from .flash import flash_units_returned
from .groups import group_order_cancelled, group_order_paid, group_order_placed
from .models import Coupon
from .services import coupons_auto_issue, coupons_return, coupons_return_on_refund, coupons_use
from .sharing import share_order_paid, share_order_refunded


def on_order_placed(event: OrderPlaced) -> None:
    campaign_purchases_take(order_id=event.order_id, member_id=event.member_id, promotions=event.promotions)
    if group := event.promotions.get("group_buy"):
        group_order_placed(order_id=event.order_id, member_id=event.member_id, choice=group,
                           discount_fen=group["discount_fen"])
    coupons_use(member_id=event.member_id, order_id=event.order_id,
                member_coupon_ids=list(event.promotions.get("coupons", [])),
                discounts=event.promotions.get("coupon_discounts"))


def on_order_cancelled(event: OrderCancelled) -> None:
    coupons_return(order_id=event.order_id)
    group_order_cancelled(order_id=event.order_id)
    if flash := campaign_purchases_return(order_id=event.order_id):
        flash_units_returned(order_id=event.order_id, member_id=flash[0].member_id,
                             item_ids=[p.campaign_id for p in flash])


def on_member_joined(event: MemberJoined) -> None:
    coupons_auto_issue(trigger=Coupon.AutoIssue.NEW_MEMBER, member_id=event.member_id)


def on_order_paid(event: OrderPaid) -> None:
    group_order_paid(order_id=event.order_id)
    member_id, seq = Order.objects.filter(pk=event.order_id).values_list("member_id", "member_paid_seq").get()
    if seq == 1:
        coupons_auto_issue(trigger=Coupon.AutoIssue.FIRST_ORDER, member_id=member_id)
        share_order_paid(order_id=event.order_id)


def on_order_refunded(event: OrderRefunded) -> None:
    closed = Order.objects.filter(pk=event.order_id, status=Order.Status.CLOSED).exists()
    coupons_return_on_refund(order_id=event.order_id, fully_refunded=closed)
    if closed:
        share_order_refunded(order_id=event.order_id)


def connect() -> None:
    subscribe(OrderPlaced, on_order_placed)
    subscribe(OrderCancelled, on_order_cancelled)
    subscribe(OrderPaid, on_order_paid)
    subscribe(OrderRefunded, on_order_refunded)
    subscribe(MemberJoined, on_member_joined)
