"""Marketing reacts to orders (core.events): a placed order uses up its coupons, a cancelled one returns them."""

from __future__ import annotations

from core.events import subscribe
from tenants.orders.events import OrderCancelled, OrderPlaced

from .services import coupons_return, coupons_use


def on_order_placed(event: OrderPlaced) -> None:
    coupons_use(member_id=event.member_id, order_id=event.order_id,
                member_coupon_ids=list(event.promotions.get("coupons", [])))


def on_order_cancelled(event: OrderCancelled) -> None:
    coupons_return(order_id=event.order_id)


def connect() -> None:
    subscribe(OrderPlaced, on_order_placed)
    subscribe(OrderCancelled, on_order_cancelled)
