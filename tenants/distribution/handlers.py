"""Distribution reacts to what orders announce: a paid order accrues commissions, a refund claws back
exactly what the refunded lines earned. Both run inside the order's own transaction."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.events import subscribe
from tenants.orders.events import OrderPaid, OrderRefunded, OrderRulesChanging

from .selectors import distribution_settings_get
from .services import commission_accrue_for_order, commission_clawback_for_refund


def on_order_paid(event: OrderPaid) -> None:
    commission_accrue_for_order(order_id=event.order_id)


def on_order_refunded(event: OrderRefunded) -> None:
    commission_clawback_for_refund(order_id=event.order_id)


def on_order_rules_changing(event: OrderRulesChanging) -> None:
    """Commission is released at receipt + freeze days: a window for after-sales that outlasts the freeze would
    let refunds come after the money was released (and withdrawn)."""
    freeze_days = distribution_settings_get().freeze_days
    if event.after_sale_days > freeze_days:
        message = freeze_window_message(freeze_days=freeze_days, after_sale_days=event.after_sale_days)
        raise ValidationFailed(message, fields={"after_sale_days": [message]})


def freeze_window_message(*, freeze_days: int, after_sale_days: int) -> str:
    return _("售后期（%(window)s 天）不能长于佣金冻结期（%(freeze)s 天）：佣金在确认收货后冻结期满才解冻，"
             "售后期更长会让退款发生在佣金已解冻甚至已提现之后。请先延长分销设置中的冻结期。") % {
        "window": after_sale_days, "freeze": freeze_days}


def connect() -> None:
    subscribe(OrderPaid, on_order_paid)
    subscribe(OrderRefunded, on_order_refunded)
    subscribe(OrderRulesChanging, on_order_rules_changing)
