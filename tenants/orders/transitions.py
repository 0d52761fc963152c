"""The order's, the after-sale's and the review's allowed transitions (core.transitions): enforced by the
services, read by the consoles to decide which buttons to show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.transitions import Transitions

from .models import AfterSale, Order, Review

S, A = Order.Status, AfterSale.Status

ORDER = Transitions({
    "pay": ([S.PENDING_PAYMENT], _("支付")),
    "cancel": ([S.PENDING_PAYMENT], _("取消")),
    # Partly shipped orders stay "paid" until their last unit leaves.
    "ship": ([S.PAID], _("发货")),
    "confirm_receipt": ([S.SHIPPED], _("确认收货")),
    "complete": ([S.RECEIVED], _("完成")),
    # The merchant may refund units at any time after payment, a completed order included.
    "merchant_refund": ([S.PAID, S.SHIPPED, S.RECEIVED, S.COMPLETED], _("退款")),
}, refusal=_("订单状态为“%(status)s”，不能%(action)s。"))

AFTER_SALE = Transitions({
    "approve": ([A.REQUESTED], _("通过")),
    "reject": ([A.REQUESTED, A.RETURN_SHIPPED], _("拒绝")),
    "return_ship": ([A.AWAITING_RETURN], _("填写退货物流")),
    "return_received": ([A.RETURN_SHIPPED], _("确认收到退货")),
    "exchange_ship": ([A.AWAITING_EXCHANGE], _("发出换货")),
    "cancel": ([A.REQUESTED, A.AWAITING_RETURN], _("撤销")),
}, refusal=_("售后状态为“%(status)s”，不能%(action)s。"))

R = Review.Status
REVIEW = Transitions({
    "publish": ([R.PENDING, R.HIDDEN], _("展示")),
    "hide": ([R.PENDING, R.PUBLISHED], _("隐藏")),
}, refusal=_("评价状态为“%(status)s”，不能%(action)s。"))
