"""Loyalty reacts to orders (core.events): a paid order goes on the accrual list (it earns once received), a placed
order spends the points its checkout used, a cancelled one gives them back, a refund gives back what the refunded
units spent and takes back what they earned; a published review earns the store's review points (once)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.events import subscribe
from tenants.orders.events import OrderCancelled, OrderPaid, OrderPlaced, OrderRefunded, ReviewPublished
from tenants.orders.models import Order, OrderLine

from .models import PointsDue
from .points import (
    loyalty_settings_get,
    points_grant,
    points_return_on_cancel,
    points_settle_refund,
    points_spend_on_order,
)


def _number(order_id: int) -> str:
    return Order.objects.filter(pk=order_id).values_list("number", flat=True).get()


def on_order_placed(event: OrderPlaced) -> None:
    used = event.promotions.get("points")
    if used:
        points_spend_on_order(member_id=event.member_id, order_id=event.order_id, order_number=_number(event.order_id),
                              points=used["points"],
                              shares={int(pos): (pts, fen) for pos, (pts, fen) in used["lines"].items()})


def on_order_paid(event: OrderPaid) -> None:
    member_id = Order.objects.filter(pk=event.order_id).values_list("member_id", flat=True).get()
    PointsDue.objects.bulk_create([PointsDue(order_id=event.order_id, member_id=member_id)], ignore_conflicts=True)


def on_order_cancelled(event: OrderCancelled) -> None:
    points_return_on_cancel(order_id=event.order_id, order_number=_number(event.order_id))


def on_order_refunded(event: OrderRefunded) -> None:
    order = Order.objects.filter(pk=event.order_id).only("number", "status", "received_at").get()
    if order.status == Order.Status.CLOSED and order.received_at is None:
        PointsDue.objects.filter(order_id=order.pk).delete()  # nothing left to earn
    points_settle_refund(order_id=order.pk, order_number=order.number,
                         refunded=OrderLine.objects.filter(order_id=order.pk, pk__in=list(event.lines)),
                         rules=loyalty_settings_get())


def on_review_published(event: ReviewPublished) -> None:
    rules = loyalty_settings_get()
    if rules.points_enabled and rules.review_points:
        points_grant(member_id=event.member_id, points=rules.review_points, key=f"points:review:{event.review_id}",
                     memo=_("评价奖励"))


def connect() -> None:
    subscribe(OrderPlaced, on_order_placed)
    subscribe(OrderPaid, on_order_paid)
    subscribe(OrderCancelled, on_order_cancelled)
    subscribe(OrderRefunded, on_order_refunded)
    subscribe(ReviewPublished, on_review_published)
