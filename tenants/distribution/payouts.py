"""Paying approved WeChat withdrawals by merchant transfer (wechatpayv3 ``mch_transfer_bills``).

The withdrawal number is the ``out_bill_no``: every attempt, retry or query uses it, so a transfer is
never issued twice under two numbers. A call that times out is not repeated blindly — the task asks
WeChat Pay for the bill's state and settles the withdrawal from the answer; a bill WeChat has never
heard of (the worker died between claiming the withdrawal and calling) is issued again under the same
number, which WeChat treats as the same transfer.

A periodic sweep settles what the task's retries left behind (a withdrawal still approved or paying after
``STUCK_AFTER``) the same way, and flags for finance those WeChat has still not settled after
``REVIEW_AFTER``."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from wechatpayv3 import WeChatPay

from core.events import subscribe
from core.schema import current_schema
from core.tasks import TenantOnlyTask, enqueue_on_commit
from tenants.payments.gateway import merchant_get, wechatpay_client

from .events import WithdrawalApproved
from .models import Withdrawal
from .withdrawals import withdrawal_mark_failed, withdrawal_mark_paid

logger = logging.getLogger(__name__)
TRANSFER_SCENE = "1005"  # 佣金报酬
FINAL_FAILURES = {"FAIL", "CANCELLED"}
STUCK_AFTER = timedelta(minutes=30)
REVIEW_AFTER = timedelta(hours=24)
SETTLED = (Withdrawal.Status.PAID, Withdrawal.Status.FAILED, Withdrawal.Status.REJECTED)


class PayoutPending(Exception):
    """WeChat has not finished the transfer yet; the task asks again later."""


def on_withdrawal_approved(event: WithdrawalApproved) -> None:
    """A WeChat withdrawal is paid by transfer once its approval commits; a bank one waits for finance."""
    if Withdrawal.objects.filter(pk=event.withdrawal_id, method=Withdrawal.Method.WECHAT).exists():
        enqueue_on_commit(payout_wechat, event.withdrawal_id)


def connect() -> None:
    subscribe(WithdrawalApproved, on_withdrawal_approved)


def _transfer(client: WeChatPay, withdrawal: Withdrawal) -> None:
    try:
        client.mch_transfer_bills(out_bill_no=withdrawal.number, transfer_scene_id=TRANSFER_SCENE,
                                  openid=withdrawal.distributor.member.openid,
                                  transfer_amount=withdrawal.net_fen, transfer_remark="分销佣金提现")
    except Exception:  # timeouts and gateway errors alike: the query decides what happened
        logger.warning("transfer %s: no clear answer, querying", withdrawal.number, exc_info=True)


def _settle_from_wechat(client: WeChatPay, withdrawal: Withdrawal) -> str:
    """Ask WeChat for the bill and settle the withdrawal from the answer; PayoutPending while undecided."""
    code, message = client.mch_transfer_bills_query(out_bill_no=withdrawal.number)
    if code == 404:  # never created: issued again under the same number, then asked again
        _transfer(client, withdrawal)
        code, message = client.mch_transfer_bills_query(out_bill_no=withdrawal.number)
    state = json.loads(message) if code == 200 else {}
    if state.get("state") == "SUCCESS":
        return withdrawal_mark_paid(withdrawal=withdrawal, actor="wechatpay",
                                    transfer_bill_no=state.get("transfer_bill_no", "")).status
    if state.get("state") in FINAL_FAILURES:
        return withdrawal_mark_failed(withdrawal=withdrawal, reason=state.get("fail_reason", "")).status
    raise PayoutPending(f"{withdrawal.number}: {state.get('state') or code}")


@shared_task(base=TenantOnlyTask, name="tenants.distribution.payout_wechat", autoretry_for=(PayoutPending,),
             retry_backoff=True, max_retries=12)
def payout_wechat(withdrawal_id: int) -> str:
    withdrawal = Withdrawal.objects.select_related("distributor__member").get(pk=withdrawal_id)
    if withdrawal.status in SETTLED:
        return withdrawal.status
    client = wechatpay_client(merchant_get())
    if withdrawal.status == Withdrawal.Status.APPROVED:
        with transaction.atomic():
            claimed = Withdrawal.objects.filter(pk=withdrawal.pk, status=Withdrawal.Status.APPROVED).update(
                status=Withdrawal.Status.PAYING)
        if claimed:
            _transfer(client, withdrawal)
    return _settle_from_wechat(client, withdrawal)


def payouts_sweep(*, now: datetime) -> dict:
    """WeChat withdrawals approved or paying for longer than STUCK_AFTER (the task's retries ran out, or its
    message was lost): settle each from WeChat's answer under its own bill number; those still unsettled
    after REVIEW_AFTER are flagged for finance (``payout_problem``)."""
    counts = {"paid": 0, "failed": 0, "pending": 0, "flagged": 0}
    stuck = (Withdrawal.objects.select_related("distributor__member")
             .filter(method=Withdrawal.Method.WECHAT, status__in=[Withdrawal.Status.APPROVED, Withdrawal.Status.PAYING],
                     reviewed_at__lt=now - STUCK_AFTER).order_by("reviewed_at", "pk"))
    for withdrawal in stuck[:200]:
        try:
            status = payout_wechat(withdrawal.pk)  # run here, in the sweep: its retries are not wanted
        except PayoutPending as pending:
            counts["pending"] += 1
            if (withdrawal.reviewed_at or now) < now - REVIEW_AFTER:
                problem = f"WeChat has not settled the transfer after {REVIEW_AFTER.days} day(s) ({pending})"
                counts["flagged"] += Withdrawal.objects.filter(pk=withdrawal.pk, payout_problem="").update(
                    payout_problem=problem[:200])
            continue
        counts[status] = counts.get(status, 0) + 1
        Withdrawal.objects.filter(pk=withdrawal.pk).exclude(payout_problem="").update(payout_problem="")
    return counts


@shared_task(base=TenantOnlyTask, name="tenants.distribution.payouts_sweep")
def sweep_payouts() -> dict:
    return {"schema": current_schema(), **payouts_sweep(now=timezone.now())}
