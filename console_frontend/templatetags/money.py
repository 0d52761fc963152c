from django import template
from django.utils.translation import gettext_lazy as _

from core.money import format_fen

register = template.Library()


@register.filter
def fen(amount_fen: int | None) -> str:
    """199 -> 1.99 (display only)."""
    return format_fen(int(amount_fen or 0))


_EVENT_LABELS = {
    "created": _("下单"), "paid": _("支付成功"), "cancelled": _("取消"), "shipped": _("发货"),
    "received": _("确认收货"), "completed": _("完成"), "after_sale_requested": _("申请售后"),
    "refund_requested": _("发起退款"), "refunded": _("退款成功"), "after_sale_cancelled": _("撤销售后"),
    "exchange_shipped": _("发出换货"),
    "payment_returning": _("收到失效订单的付款，原路退回中"), "payment_returned": _("付款已原路退回"),
}


@register.filter
def event_label(kind: str) -> str:
    """An order timeline entry in words."""
    return str(_EVENT_LABELS.get(kind, kind))
