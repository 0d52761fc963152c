"""Withdrawals: limits, fees, review, payout and reversal, every step a balanced journal."""

import io
import uuid

import pytest
from openpyxl import load_workbook

from core.errors import Conflict, IllegalTransition, ValidationFailed
from tenants.distribution.models import DistributionSettings, Distributor, Withdrawal
from tenants.distribution.withdrawals import (
    withdrawal_approve,
    withdrawal_mark_failed,
    withdrawal_mark_paid,
    withdrawal_reject,
    withdrawal_request,
    withdrawals_bank_export,
)
from tenants.ledger.models import Account, Journal
from tenants.ledger.selectors import ledger_reconcile
from tenants.ledger.services import Line, account_for, journal_post
from tests.tenants.distribution.builders import make_distributor

K = Account.Kind


def fund(distributor, amount):
    journal_post(kind=Journal.Kind.RELEASE, idempotency_key=f"fund:{distributor.pk}:{amount}",
                 lines=[Line(account_for(kind=K.DISTRIBUTOR_AVAILABLE, owner_id=distributor.pk), amount),
                        Line(account_for(kind=K.STORE_COMMISSION_EXPENSE), -amount)])


def ask(distributor, **fields):
    """A new request (a fresh idempotency key), returning the withdrawal."""
    return withdrawal_request(distributor=distributor, idempotency_key=uuid.uuid4().hex, **fields)[0]


def bal(kind, distributor):
    return Account.objects.get(kind=kind, owner_id=distributor.pk if distributor else None).balance_fen


def configure(**fields):
    DistributionSettings.objects.update_or_create(singleton=1, defaults=fields)


def test_request_moves_money_to_withdrawing_and_payout_clears_it_with_fee(in_alpha):
    configure(withdrawal_fee_bp=60, withdrawal_min_fen=100)
    d = make_distributor()
    fund(d, 50000)
    w = ask(d, amount_fen=10000, method="wechat")
    assert (w.status, w.fee_fen, w.net_fen) == (Withdrawal.Status.REQUESTED, 60, 9940)
    assert (bal(K.DISTRIBUTOR_AVAILABLE, d), bal(K.DISTRIBUTOR_WITHDRAWING, d)) == (40000, 10000)
    withdrawal_approve(withdrawal=w, actor="finance@alpha")
    withdrawal_mark_paid(withdrawal=w, actor="finance@alpha")
    withdrawal_mark_paid(withdrawal=w, actor="finance@alpha")  # idempotent
    assert bal(K.DISTRIBUTOR_WITHDRAWING, d) == 0
    assert bal(K.STORE_PAYOUT_CLEARING, None) == 9940
    assert bal(K.STORE_FEE_INCOME, None) == 60
    assert ledger_reconcile().ok


def test_limits_are_clear_field_errors(in_alpha):
    configure(withdrawal_min_fen=1000, withdrawal_daily_cap_fen=15000)
    d = make_distributor()
    fund(d, 100000)
    with pytest.raises(ValidationFailed) as below_min:
        ask(d, amount_fen=999, method="wechat")
    assert "10.00" in below_min.value.fields["amount_fen"][0]
    ask(d, amount_fen=10000, method="wechat")
    with pytest.raises(ValidationFailed) as over_cap:
        ask(d, amount_fen=6000, method="wechat")
    assert "50.00" in over_cap.value.fields["amount_fen"][0]
    with pytest.raises(ValidationFailed) as no_bank:
        ask(d, amount_fen=1000, method="bank")
    assert "bank_account" in no_bank.value.fields


def test_cannot_withdraw_more_than_available(in_alpha):
    configure(withdrawal_min_fen=100)
    d = make_distributor()
    fund(d, 5000)
    with pytest.raises(ValidationFailed) as exc:
        ask(d, amount_fen=5001, method="wechat")
    assert "50.00" in exc.value.fields["amount_fen"][0]


def test_frozen_distributors_cannot_withdraw(in_alpha):
    d = make_distributor()
    fund(d, 5000)
    Distributor.objects.filter(pk=d.pk).update(status=Distributor.Status.FROZEN)
    d.refresh_from_db()
    with pytest.raises(Conflict):
        ask(d, amount_fen=1000, method="wechat")


def test_small_requests_are_approved_automatically(in_alpha):
    configure(withdrawal_auto_approve_below_fen=2000, withdrawal_min_fen=100)
    d = make_distributor()
    fund(d, 5000)
    assert ask(d, amount_fen=1999, method="wechat").status == Withdrawal.Status.APPROVED
    assert ask(d, amount_fen=2000, method="wechat").status == Withdrawal.Status.REQUESTED


def test_reject_and_failed_transfer_give_the_money_back(in_alpha):
    configure(withdrawal_min_fen=100)
    d = make_distributor()
    fund(d, 10000)
    rejected = ask(d, amount_fen=3000, method="wechat")
    with pytest.raises(ValidationFailed):
        withdrawal_reject(withdrawal=rejected, reason=" ", actor="f")
    withdrawal_reject(withdrawal=rejected, reason="信息不符", actor="f")
    failed = ask(d, amount_fen=4000, method="wechat")
    withdrawal_approve(withdrawal=failed, actor="f")
    withdrawal_mark_failed(withdrawal=failed, reason="NAME_MISMATCH")
    assert bal(K.DISTRIBUTOR_AVAILABLE, d) == 10000
    assert bal(K.DISTRIBUTOR_WITHDRAWING, d) == 0
    with pytest.raises(IllegalTransition):
        withdrawal_mark_paid(withdrawal=failed, actor="f")
    assert ledger_reconcile().ok


def test_bank_export_is_a_readable_sheet(in_alpha):
    configure(withdrawal_min_fen=100)
    d = make_distributor()
    fund(d, 10000)
    w = ask(d, amount_fen=8800, method="bank",
                           bank_account="招商银行 6225 8888 0000 1234 张三")
    w = withdrawal_approve(withdrawal=w, actor="f")
    sheet = load_workbook(io.BytesIO(withdrawals_bank_export(withdrawals=[w]))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "提现单号"
    assert rows[1][0] == w.number and "6225 8888 0000 1234" in rows[1][2] and rows[1][5] == "88.00"
    assert "6225" not in Withdrawal.objects.get(pk=w.pk).bank_account_encrypted  # encrypted at rest
