from django import template

from core.money import format_fen

register = template.Library()


@register.filter
def fen(amount_fen: int | None) -> str:
    """199 -> 1.99 (display only)."""
    return format_fen(int(amount_fen or 0))


_EVENT_LABELS = {
    "created": "下单", "paid": "支付成功", "cancelled": "取消", "shipped": "发货", "received": "确认收货",
    "completed": "完成", "after_sale_requested": "申请售后", "refund_requested": "发起退款", "refunded": "退款成功",
    "after_sale_cancelled": "撤销售后", "exchange_shipped": "发出换货",
}


@register.filter
def event_label(kind: str) -> str:
    """An order timeline entry in words."""
    return _EVENT_LABELS.get(kind, kind)
