"""Approved WeChat withdrawals are paid by merchant transfer through wechatpayv3 and the sandbox, under the
withdrawal's own number; a retry never pays twice; a failed transfer returns the money."""

from unittest import mock

from django_tenants.utils import schema_context

from tenants.distribution.models import DistributionSettings, Withdrawal
from tenants.distribution.payouts import payout_wechat
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
    return withdrawal_request(distributor=distributor, amount_fen=amount, method="wechat")


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
