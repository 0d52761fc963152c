"""Withdrawing under racing requests, on real threads and commits, through the shop API: a double-tapped
申请提现 (the same Idempotency-Key sent at once) takes the money out once and every reply names the same
withdrawal; different requests at once never spend more than the available balance."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from tenants.distribution.models import DistributionSettings, Withdrawal
from tenants.ledger.models import Account, Journal
from tenants.ledger.selectors import ledger_reconcile
from tenants.ledger.services import Line, account_for, journal_post
from tenants.members.tokens import member_token_issue
from tests.conftest import store_for_real
from tests.shop_api.conftest import api
from tests.tenants.distribution.builders import make_distributor

TAPS = 6


@pytest.fixture
def funded(django_db_blocker):
    """A committed store with one distributor holding 100.00 available; yields (store, token, distributor)."""
    with django_db_blocker.unblock(), store_for_real("withdrawrace", "Withdraw race") as tenant:
        with schema_context(tenant.schema_name):
            DistributionSettings.objects.update_or_create(singleton=1, defaults={
                "enabled": True, "withdrawal_min_fen": 100, "withdrawal_daily_cap_fen": 1_000_000})
            distributor = make_distributor()
            journal_post(kind=Journal.Kind.RELEASE, idempotency_key="fund-race", lines=[
                Line(account_for(kind=Account.Kind.DISTRIBUTOR_AVAILABLE, owner_id=distributor.pk), 10000),
                Line(account_for(kind=Account.Kind.STORE_COMMISSION_EXPENSE), -10000)])
            token = member_token_issue(member=distributor.member)
        connection.set_schema_to_public()
        yield tenant, token, distributor


def _at_once(host: str, token: str, requests: list[tuple[str, dict]]) -> list[tuple[int, dict]]:
    def send(request: tuple[str, dict]) -> tuple[int, dict]:
        key, body = request
        try:
            response = api(host, token).post("/api/v1/distribution/withdrawals/", body, format="json",
                                              HTTP_IDEMPOTENCY_KEY=key)
            return response.status_code, response.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def _state(tenant, distributor) -> tuple[list[int], int, int]:
    with schema_context(tenant.schema_name):
        assert ledger_reconcile().ok
        available = Account.objects.get(kind=Account.Kind.DISTRIBUTOR_AVAILABLE, owner_id=distributor.pk)
        journals = Journal.objects.filter(kind=Journal.Kind.WITHDRAWAL).count()
        return sorted(Withdrawal.objects.values_list("amount_fen", flat=True)), available.balance_fen, journals


def test_a_double_tap_sent_at_once_withdraws_once(funded):
    tenant, token, distributor = funded
    replies = _at_once(f"{tenant.slug}.localhost", token,
                       [("double-tap-0001", {"amount_fen": 3000, "method": "wechat"})] * TAPS)
    assert sorted(status for status, _ in replies) == [200] * (TAPS - 1) + [201]
    assert len({body["number"] for _, body in replies}) == 1
    assert _state(tenant, distributor) == ([3000], 7000, 1)


def test_different_requests_at_once_never_spend_more_than_is_available(funded):
    tenant, token, distributor = funded
    replies = _at_once(f"{tenant.slug}.localhost", token,
                       [(f"separate-{n:04d}", {"amount_fen": 3000, "method": "wechat"}) for n in range(TAPS)])
    statuses = sorted(status for status, _ in replies)
    assert statuses == [201] * 3 + [400] * (TAPS - 3)  # 3 × 30.00 fit in 100.00; the rest are refused
    assert all("amount_fen" in body["fields"] for status, body in replies if status == 400)
    assert _state(tenant, distributor) == ([3000] * 3, 1000, 3)
