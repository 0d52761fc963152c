"""Approved WeChat withdrawals are paid by merchant transfer through wechatpayv3 and the sandbox, under the
withdrawal's own number; a retry never pays twice; a failed transfer returns the money."""

from datetime import timedelta
from unittest import mock

from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.distribution.models import DistributionSettings, Withdrawal
from tenants.distribution.payouts import payout_wechat, payouts_sweep
from tenants.distribution.withdrawals import withdrawal_approve, withdrawal_request
from tenants.ledger.models import Account, Journal
from tenants.ledger.selectors import ledger_reconcile
from tenants.ledger.services import Line, account_for, journal_post
from tests.tenants.distribution.builders import make_distributor


def _withdrawal(amount: int) -> Withdrawal:
    DistributionSettings.objects.update_or_create(singleton=1, defaults={"withdrawal_min_fen": 100})
    distributor = make_distributor()
    journal_post(kind=Journal.Kind.RELEASE, idempotency_key=f"fund-payout-{distributor.pk}",
                 lines=[Line(account_for(kind=Account.Kind.DISTRIBUTOR_AVAILABLE, owner_id=distributor.pk), 10000),
                        Line(account_for(kind=Account.Kind.STORE_COMMISSION_EXPENSE), -10000)])
    return withdrawal_request(distributor=distributor, idempotency_key=f"payout-{distributor.pk}", amount_fen=amount,
                              method="wechat")[0]


def test_transfer_pays_once_under_the_withdrawal_number(gateway, store_a):
    with schema_context(store_a.schema):
        withdrawal = withdrawal_approve(withdrawal=_withdrawal(6000), actor="finance")
        assert payout_wechat(withdrawal.pk) == "paid"
        assert payout_wechat(withdrawal.pk) == "paid"
        paid = Withdrawal.objects.get(pk=withdrawal.pk)
        assert paid.transfer_bill_no == gateway.transfers[withdrawal.number]["transfer_bill_no"]
        assert ledger_reconcile().ok
    assert list(gateway.transfers) == [withdrawal.number]
    assert gateway.transfers[withdrawal.number]["transfer_amount"] == 6000


def test_a_lost_reply_is_settled_by_query_not_by_a_second_transfer(gateway, store_a):
    with schema_context(store_a.schema):
        withdrawal = withdrawal_approve(withdrawal=_withdrawal(3000), actor="finance")
        real = gateway.__class__.__call__

        def drop_first_reply(self, environ, start_response):
            body = real(self, environ, start_response)
            if environ["PATH_INFO"].endswith("/transfer-bills") and not getattr(self, "dropped", False):
                self.dropped = True
                raise ConnectionError("reply lost")
            return body

        with mock.patch.object(gateway.__class__, "__call__", drop_first_reply):
            assert payout_wechat(withdrawal.pk) == "paid"
    assert len(gateway.transfers) == 1


def test_failed_transfer_returns_the_money(gateway, store_a):
    with schema_context(store_a.schema):
        withdrawal = withdrawal_approve(withdrawal=_withdrawal(4000), actor="finance")
        gateway.transfer_outcomes[withdrawal.number] = "FAIL"
        assert payout_wechat(withdrawal.pk) == "failed"
        available = Account.objects.get(kind=Account.Kind.DISTRIBUTOR_AVAILABLE, owner_id=withdrawal.distributor_id)
        assert available.balance_fen == 10000
        assert ledger_reconcile().ok


def _stuck(withdrawal: Withdrawal, *, hours: float) -> Withdrawal:
    """Claimed for payment (as by a task that then died or gave up), approved ``hours`` ago."""
    Withdrawal.objects.filter(pk=withdrawal.pk).update(status=Withdrawal.Status.PAYING,
                                                       reviewed_at=timezone.now() - timedelta(hours=hours))
    return Withdrawal.objects.get(pk=withdrawal.pk)


def test_sweep_settles_withdrawals_stuck_in_paying_under_their_own_number(gateway, store_a):
    with schema_context(store_a.schema):
        never_sent = _stuck(withdrawal_approve(withdrawal=_withdrawal(2000), actor="finance"), hours=1)
        failed = withdrawal_approve(withdrawal=_withdrawal(3000), actor="finance")
        gateway.transfers[failed.number] = {"out_bill_no": failed.number, "transfer_bill_no": "1330x",
                                            "openid": "o", "transfer_amount": 3000, "state": "ACCEPTED",
                                            "create_time": ""}
        gateway.transfer_outcomes[failed.number] = "FAIL"
        failed = _stuck(failed, hours=2)
        recent = _stuck(withdrawal_approve(withdrawal=_withdrawal(1000), actor="finance"), hours=0.1)
        assert payouts_sweep(now=timezone.now()) == {"paid": 1, "failed": 1, "pending": 0, "flagged": 0}
        assert Withdrawal.objects.get(pk=never_sent.pk).status == "paid"
        assert Withdrawal.objects.get(pk=failed.pk).status == "failed"
        assert Withdrawal.objects.get(pk=recent.pk).status == "paying"  # its task may still be retrying
        assert ledger_reconcile().ok
    assert gateway.transfers[never_sent.number]["transfer_amount"] == 2000  # issued once, under its number
    assert recent.number not in gateway.transfers


def test_sweep_flags_what_wechat_has_not_settled_and_clears_it_once_settled(gateway, store_a, client_a):
    from tests.conftest import console_login

    with schema_context(store_a.schema):
        withdrawal = withdrawal_approve(withdrawal=_withdrawal(2500), actor="finance")
        gateway.transfer_outcomes[withdrawal.number] = "PROCESSING"
        withdrawal = _stuck(withdrawal, hours=1)
        assert payouts_sweep(now=timezone.now())["pending"] == 1
        assert Withdrawal.objects.get(pk=withdrawal.pk).payout_problem == ""  # not yet a day
        _stuck(withdrawal, hours=25)
        assert payouts_sweep(now=timezone.now()) == {"paid": 0, "failed": 0, "pending": 1, "flagged": 1}
        assert "PROCESSING" in Withdrawal.objects.get(pk=withdrawal.pk).payout_problem
    console_login(client_a, store_a.owner_login)
    assert "data-payout-problem" in client_a.get("/console/finance/withdrawals/").content.decode()
    assert 'id="payout-problems-alert"' in client_a.get("/console/").content.decode()
    gateway.transfer_outcomes[withdrawal.number] = "SUCCESS"
    with schema_context(store_a.schema):
        assert payouts_sweep(now=timezone.now())["paid"] == 1
        settled = Withdrawal.objects.get(pk=withdrawal.pk)
        assert (settled.status, settled.payout_problem) == ("paid", "")
        assert ledger_reconcile().ok
    assert list(gateway.transfers) == [withdrawal.number]
