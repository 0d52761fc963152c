"""Loyalty reacts to orders (core.events): a received order goes on the accrual list (the worker posts what it
earned), a placed order spends the points its checkout used, a cancelled one gives them back, a refund gives back
what the refunded units spent and takes back what they earned; a published review earns the store's review points
(once)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.events import subscribe
from tenants.orders.events import OrderCancelled, OrderPlaced, OrderReceived, OrderRefunded, ReviewPublished
from tenants.orders.models import Order, OrderLine

from .accrual import points_due_bump
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


def on_order_received(event: OrderReceived) -> None:
    PointsDue.objects.bulk_create([PointsDue(order_id=event.order_id, member_id=event.member_id)],
                                  ignore_conflicts=True)


def on_order_cancelled(event: OrderCancelled) -> None:
    points_return_on_cancel(order_id=event.order_id, order_number=_number(event.order_id))


def on_order_refunded(event: OrderRefunded) -> None:
    order = Order.objects.filter(pk=event.order_id).only("number").get()
    points_due_bump(order_id=order.pk)
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
    subscribe(OrderReceived, on_order_received)
    subscribe(OrderCancelled, on_order_cancelled)
    subscribe(OrderRefunded, on_order_refunded)
    subscribe(ReviewPublished, on_review_published)
