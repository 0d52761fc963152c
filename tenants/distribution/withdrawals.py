"""Withdrawals: a distributor takes available commission out, by WeChat transfer or bank transfer.

Ledger flow (each step one journal):
  request   available -W, withdrawing +W
  reject    withdrawing -W, available +W     (also when a transfer finally fails)
  paid      withdrawing -W, payout clearing +net, fee income +fee
The withdrawal number is also the WeChat transfer's ``out_bill_no``: a payout is never re-issued under
another number, so a retried transfer can never pay twice.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import datetime

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import crypto
from core.errors import Conflict, ValidationFailed
from core.events import publish
from core.ids import sortable_number
from core.money import apply_rate_bp, format_fen
from tenants.ledger.models import Account, Journal
from tenants.ledger.services import Line, account_for, journal_post

from .error_codes import DistributionCode
from .events import WithdrawalApproved
from .models import Distributor, Withdrawal
from .selectors import distribution_settings_get
from .transitions import WITHDRAWAL

K = Account.Kind
_COUNTED = [Withdrawal.Status.REQUESTED, Withdrawal.Status.APPROVED, Withdrawal.Status.PAYING,
            Withdrawal.Status.PAID]


def _day_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _fingerprint(amount_fen: int, method: str, bank_account: str) -> str:
    """What was asked: the same key with any of it different is another request, not a retry."""
    return hashlib.sha256(json.dumps([amount_fen, method, bank_account]).encode()).hexdigest()[:32]


def _replayed(distributor: Distributor, key: str, fingerprint: str) -> Withdrawal | None:
    existing = Withdrawal.objects.filter(distributor=distributor, idempotency_key=key).first()
    if existing is not None and existing.fingerprint != fingerprint:
        raise Conflict(_("该幂等键已用于另一笔提现。"), code=DistributionCode.IDEMPOTENCY_KEY_REUSED)
    return existing


@transaction.atomic
def withdrawal_request(*, distributor: Distributor, idempotency_key: str, amount_fen: int, method: str,
                       bank_account: str = "", now: datetime | None = None) -> tuple[Withdrawal, bool]:
    """Ask to withdraw. Returns (withdrawal, created): the same idempotency key returns the same withdrawal,
    so a retried or double-tapped request takes the money out once. Checks the minimum, the available balance
    (locked, so two requests cannot both spend it), the daily cap; computes the fee; approves at once below
    the store's threshold."""
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise ValidationFailed(_("缺少幂等键。"), fields={"idempotency_key": [_("需要 8 到 64 个字符的幂等键。")]})
    bank_account = bank_account.strip()
    fingerprint = _fingerprint(amount_fen, method, bank_account)
    if (existing := _replayed(distributor, key, fingerprint)) is not None:
        return existing, False
    now = now or timezone.now()
    rules = distribution_settings_get()
    fields: dict[str, list[str]] = {}
    if distributor.status != Distributor.Status.ACTIVE:
        raise Conflict(_("分销员账户已冻结，暂不能提现。"), code=DistributionCode.DISTRIBUTOR_FROZEN)
    if method not in Withdrawal.Method.values:
        fields["method"] = [_("请选择提现方式。")]
    if method == Withdrawal.Method.BANK and not bank_account:
        fields["bank_account"] = [_("请填写银行卡信息。")]
    if amount_fen < rules.withdrawal_min_fen:
        fields["amount_fen"] = [_("最低提现金额为 %(min)s 元。") % {"min": format_fen(rules.withdrawal_min_fen)}]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    available = Account.objects.select_for_update().get(pk=account_for(kind=K.DISTRIBUTOR_AVAILABLE,
                                                                        owner_id=distributor.pk).pk)
    # The lock serialises this distributor's requests: a twin that held it first has committed by now.
    if (existing := _replayed(distributor, key, fingerprint)) is not None:
        return existing, False
    if available.balance_fen < amount_fen:
        raise ValidationFailed(_("可提现余额不足。"), fields={"amount_fen": [
            _("可提现余额为 %(balance)s 元。") % {"balance": format_fen(max(available.balance_fen, 0))}]})
    today = (Withdrawal.objects.filter(distributor=distributor, status__in=_COUNTED, created_at__gte=_day_start(now))
             .aggregate(total=Sum("amount_fen"))["total"] or 0)
    if today + amount_fen > rules.withdrawal_daily_cap_fen:
        raise ValidationFailed(_("超过每日提现上限。"), fields={"amount_fen": [
            _("今日还可提现 %(left)s 元。") % {"left": format_fen(max(rules.withdrawal_daily_cap_fen - today, 0))}]})
    fee = apply_rate_bp(amount_fen, rules.withdrawal_fee_bp)
    withdrawal = Withdrawal.objects.create(
        number=f"W{sortable_number(now, random_digits=6)}", distributor=distributor, amount_fen=amount_fen,
        fee_fen=fee, net_fen=amount_fen - fee, method=method, idempotency_key=key, fingerprint=fingerprint,
        bank_account_encrypted=crypto.encrypt(bank_account, keys=django_settings.FIELD_ENCRYPTION_KEYS)
        if bank_account else "",
    )
    journal_post(kind=Journal.Kind.WITHDRAWAL, idempotency_key=f"withdrawal:{withdrawal.number}",
                 reference=withdrawal.number,
                 lines=[Line(available, -amount_fen),
                        Line(account_for(kind=K.DISTRIBUTOR_WITHDRAWING, owner_id=distributor.pk), amount_fen)])
    if amount_fen < rules.withdrawal_auto_approve_below_fen:
        withdrawal.status, withdrawal.reviewed_by, withdrawal.reviewed_at = Withdrawal.Status.APPROVED, "auto", now
        withdrawal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        _schedule_payout(withdrawal)
    return withdrawal, True


def _schedule_payout(withdrawal: Withdrawal) -> None:
    publish(WithdrawalApproved(withdrawal_id=withdrawal.pk))  # payouts sends WeChat withdrawals on commit


def _guard(withdrawal: Withdrawal, action: str) -> None:
    WITHDRAWAL.check(action, withdrawal.status, status_label=withdrawal.get_status_display())


def _locked(withdrawal: Withdrawal) -> Withdrawal:
    return Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)


@transaction.atomic
def withdrawal_approve(*, withdrawal: Withdrawal, actor: str, now: datetime | None = None) -> Withdrawal:
    withdrawal = _locked(withdrawal)
    _guard(withdrawal, "approve")
    withdrawal.status, withdrawal.reviewed_by, withdrawal.reviewed_at = (
        Withdrawal.Status.APPROVED, actor, now or timezone.now())
    withdrawal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    _schedule_payout(withdrawal)
    return withdrawal


def _reverse(withdrawal: Withdrawal, key: str) -> None:
    owner = withdrawal.distributor_id
    journal_post(kind=Journal.Kind.WITHDRAWAL_REVERSAL, idempotency_key=key, reference=withdrawal.number,
                 lines=[Line(account_for(kind=K.DISTRIBUTOR_WITHDRAWING, owner_id=owner), -withdrawal.amount_fen),
                        Line(account_for(kind=K.DISTRIBUTOR_AVAILABLE, owner_id=owner), withdrawal.amount_fen)])


@transaction.atomic
def withdrawal_reject(*, withdrawal: Withdrawal, reason: str, actor: str, now: datetime | None = None) -> Withdrawal:
    """Refuse a request; the money goes back to the distributor's available balance."""
    if not reason.strip():
        raise ValidationFailed(_("请填写拒绝原因。"), fields={"reason": [_("请填写拒绝原因。")]})
    withdrawal = _locked(withdrawal)
    _guard(withdrawal, "reject")
    _reverse(withdrawal, f"withdrawal-reject:{withdrawal.number}")
    withdrawal.status, withdrawal.reject_reason = Withdrawal.Status.REJECTED, reason.strip()[:200]
    withdrawal.reviewed_by, withdrawal.reviewed_at = actor, now or timezone.now()
    withdrawal.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at"])
    return withdrawal


@transaction.atomic
def withdrawal_mark_paid(*, withdrawal: Withdrawal, actor: str, transfer_bill_no: str = "",
                         now: datetime | None = None) -> Withdrawal:
    """The money has reached the distributor (bank transfer confirmed, or WeChat transfer succeeded).
    Idempotent: marking a paid withdrawal paid again changes nothing."""
    withdrawal = _locked(withdrawal)
    if withdrawal.status == Withdrawal.Status.PAID:
        return withdrawal
    _guard(withdrawal, "mark_paid")
    owner = withdrawal.distributor_id
    lines = [Line(account_for(kind=K.DISTRIBUTOR_WITHDRAWING, owner_id=owner), -withdrawal.amount_fen),
             Line(account_for(kind=K.STORE_PAYOUT_CLEARING), withdrawal.net_fen)]
    if withdrawal.fee_fen:
        lines.append(Line(account_for(kind=K.STORE_FEE_INCOME), withdrawal.fee_fen))
    journal_post(kind=Journal.Kind.PAYOUT, idempotency_key=f"payout:{withdrawal.number}",
                 reference=withdrawal.number, lines=lines, memo=actor)
    withdrawal.status, withdrawal.paid_at = Withdrawal.Status.PAID, now or timezone.now()
    withdrawal.transfer_bill_no = transfer_bill_no or withdrawal.transfer_bill_no
    withdrawal.save(update_fields=["status", "paid_at", "transfer_bill_no"])
    return withdrawal


@transaction.atomic
def withdrawal_confirm_paid(*, withdrawal: Withdrawal, actor: str) -> Withdrawal:
    """Finance says it has paid an approved withdrawal itself (a bank transfer)."""
    withdrawal = _locked(withdrawal)
    _guard(withdrawal, "confirm_paid")
    return withdrawal_mark_paid(withdrawal=withdrawal, actor=actor)


@transaction.atomic
def withdrawal_mark_failed(*, withdrawal: Withdrawal, reason: str) -> Withdrawal:
    """A transfer that definitively failed: the money returns to the available balance."""
    withdrawal = _locked(withdrawal)
    if withdrawal.status == Withdrawal.Status.FAILED:
        return withdrawal
    _guard(withdrawal, "mark_failed")
    _reverse(withdrawal, f"withdrawal-failed:{withdrawal.number}")
    withdrawal.status, withdrawal.failure_reason = Withdrawal.Status.FAILED, reason[:200]
    withdrawal.save(update_fields=["status", "failure_reason"])
    return withdrawal


def withdrawals_bank_export(*, withdrawals: list[Withdrawal]) -> bytes:
    """An Excel sheet of approved bank withdrawals for the finance team to pay (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "银行打款"
    sheet.append(["提现单号", "分销员编号", "银行卡信息", "提现金额(元)", "手续费(元)", "实付金额(元)", "申请时间"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for w in withdrawals:
        if w.method != Withdrawal.Method.BANK or w.status != Withdrawal.Status.APPROVED:
            raise ValidationFailed(_("只能导出已审核的银行卡提现。"))
        account = crypto.decrypt(w.bank_account_encrypted, keys=django_settings.FIELD_ENCRYPTION_KEYS)
        sheet.append([w.number, w.distributor.code, account, format_fen(w.amount_fen), format_fen(w.fee_fen),
                      format_fen(w.net_fen), timezone.localtime(w.created_at).strftime("%Y-%m-%d %H:%M")])
    for column, width in zip("ABCDEFG", (26, 14, 40, 14, 12, 14, 18), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
