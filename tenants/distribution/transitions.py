"""The withdrawal's allowed transitions (core.transitions): enforced by the withdrawal services, read by the
console to decide which actions to offer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.transitions import Transitions

from .models import Withdrawal

W = Withdrawal.Status

WITHDRAWAL = Transitions({
    "approve": ([W.REQUESTED], _("通过")),
    # Once the transfer is under way it can no longer be refused: it is settled from WeChat's answer.
    "reject": ([W.REQUESTED, W.APPROVED], _("拒绝")),
    "mark_paid": ([W.APPROVED, W.PAYING], _("标记为已打款")),
    # Finance confirming by hand that it paid (a bank transfer); a paying one is in WeChat's hands.
    "confirm_paid": ([W.APPROVED], _("确认已打款")),
    "mark_failed": ([W.APPROVED, W.PAYING], _("标记为打款失败")),
}, refusal=_("提现状态为“%(status)s”，不能%(action)s。"))
