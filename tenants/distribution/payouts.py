"""Paying approved WeChat withdrawals by merchant transfer (wechatpayv3 ``mch_transfer_bills``).

The withdrawal number is the ``out_bill_no``: every attempt, retry or query uses it, so a transfer is
never issued twice under two numbers. A call that times out is not repeated blindly — the task asks
WeChat Pay for the bill's state and settles the withdrawal from the answer."""

from __future__ import annotations

import json
import logging

from celery import shared_task
from django.db import transaction

from core.tasks import TenantOnlyTask, enqueue_on_commit
from tenants.payments.gateway import merchant_get, wechatpay_client

from .models import Withdrawal
from .withdrawals import withdrawal_mark_failed, withdrawal_mark_paid

logger = logging.getLogger(__name__)
TRANSFER_SCENE = "1005"  # 佣金报酬
FINAL_FAILURES = {"FAIL", "CANCELLED"}


class PayoutPending(Exception):
    """WeChat has not finished the transfer yet; the task asks again later."""


def payout_schedule(*, withdrawal: Withdrawal) -> None:
    if withdrawal.method == Withdrawal.Method.WECHAT:
        enqueue_on_commit(payout_wechat, withdrawal.pk)


@shared_task(base=TenantOnlyTask, name="tenants.distribution.payout_wechat", autoretry_for=(PayoutPending,),
             retry_backoff=True, max_retries=12)
def payout_wechat(withdrawal_id: int) -> str:
    withdrawal = Withdrawal.objects.select_related("distributor__member").get(pk=withdrawal_id)
    if withdrawal.status in (Withdrawal.Status.PAID, Withdrawal.Status.FAILED, Withdrawal.Status.REJECTED):
        return withdrawal.status
    client = wechatpay_client(merchant_get())
    if withdrawal.status == Withdrawal.Status.APPROVED:
        with transaction.atomic():
            claimed = Withdrawal.objects.filter(pk=withdrawal.pk, status=Withdrawal.Status.APPROVED).update(
                status=Withdrawal.Status.PAYING)
        if claimed:
            try:
                client.mch_transfer_bills(out_bill_no=withdrawal.number, transfer_scene_id=TRANSFER_SCENE,
                                          openid=withdrawal.distributor.member.openid,
                                          transfer_amount=withdrawal.net_fen, transfer_remark="分销佣金提现")
            except Exception:  # timeouts and gateway errors alike: the query below decides what happened
                logger.warning("transfer %s: no clear answer, querying", withdrawal.number, exc_info=True)
    code, message = client.mch_transfer_bills_query(out_bill_no=withdrawal.number)
    state = json.loads(message) if code == 200 else {}
    if state.get("state") == "SUCCESS":
        return withdrawal_mark_paid(withdrawal=withdrawal, actor="wechatpay",
                                    transfer_bill_no=state.get("transfer_bill_no", "")).status
    if state.get("state") in FINAL_FAILURES:
        return withdrawal_mark_failed(withdrawal=withdrawal, reason=state.get("fail_reason", "")).status
    raise PayoutPending(f"{withdrawal.number}: {state.get('state') or code}")
