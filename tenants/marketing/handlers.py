"""Marketing reacts to orders (core.events): a placed order takes what its campaigns gave (flash units, limited
units) and uses up its coupons; a cancelled one returns them all."""

from __future__ import annotations

from core.events import subscribe
from tenants.orders.events import OrderCancelled, OrderPlaced

from .campaigns import campaign_purchases_return, campaign_purchases_take
from .flash import flash_units_returned
from .services import coupons_return, coupons_use


def on_order_placed(event: OrderPlaced) -> None:
    campaign_purchases_take(order_id=event.order_id, member_id=event.member_id, promotions=event.promotions)
    coupons_use(member_id=event.member_id, order_id=event.order_id,
                member_coupon_ids=list(event.promotions.get("coupons", [])),
                discounts=event.promotions.get("coupon_discounts"))


def on_order_cancelled(event: OrderCancelled) -> None:
    coupons_return(order_id=event.order_id)
    if flash := campaign_purchases_return(order_id=event.order_id):
        flash_units_returned(order_id=event.order_id, member_id=flash[0].member_id,
                             item_ids=[p.campaign_id for p in flash])


def connect() -> None:
    subscribe(OrderPlaced, on_order_placed)
    subscribe(OrderCancelled, on_order_cancelled)
