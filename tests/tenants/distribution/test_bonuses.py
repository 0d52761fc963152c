"""Monthly team and target bonuses: computed from settled sales only (never recruitment), net of claw-backs,
paid once per month through balanced journals, off by default, explained to the distributor."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from rest_framework.test import APIClient

from tenants.distribution.bonuses import bonuses_compute, bonuses_pay, previous_month
from tenants.distribution.models import Bonus, Commission, Distributor
from tenants.distribution.selectors import distribution_settings_get
from tenants.ledger.models import Account
from tenants.ledger.selectors import ledger_reconcile
from tenants.members.tokens import member_token_issue
from tests.tenants.distribution.builders import make_distributor

OCTOBER = date(2026, 10, 1)
_line = iter(range(1, 10**6))


def in_month(day: int, month: int = 10) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=timezone.get_current_timezone())


def sale(distributor, base_fen: int, *, level: int = 1, status: str = "available", released_at=None,
         clawed_back_fen: int = 0) -> Commission:
    amount = base_fen // 10
    return Commission.objects.create(
        order_id=1, order_number="T1", order_line_id=next(_line), line_position=1, distributor=distributor,
        level=level, base_fen=base_fen, quantity=1, rate_bp=1000, amount_fen=amount, clawed_back_fen=clawed_back_fen,
        rule_version=1, rate_source="level", is_first_order=True, status=status,
        released_at=released_at or (in_month(15) if status == "available" else None))


def network():
    top = make_distributor()
    mid = make_distributor(parent=top)
    seller = make_distributor(parent=mid)
    return top, mid, seller


def switch_on(**overrides):
    settings = distribution_settings_get()
    values = {"team_bonus_enabled": True, "team_bonus_bp": 150, "monthly_target_bonus_enabled": True,
              "monthly_target_sales_fen": 300_000, "monthly_target_bonus_fen": 10_000, **overrides}
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def test_bonuses_are_off_by_default(in_alpha):
    _top, _mid, seller = network()
    sale(seller, 1_000_000)
    assert bonuses_compute(month=OCTOBER, settings=distribution_settings_get()) == []


def test_only_settled_level_one_sales_of_the_month_count_net_of_claw_backs(in_alpha):
    top, mid, seller = network()
    sale(seller, 200_000)
    sale(seller, 200_000, clawed_back_fen=5_000)  # a quarter of the line refunded: 150,000 of sales remain
    sale(seller, 900_000, status="frozen")  # not safe yet
    sale(seller, 900_000, released_at=in_month(30, month=9))  # another month
    sale(seller, 900_000, level=2)  # earned as an upline, not the seller's own sale
    sale(mid, 50_000)  # mid's own sale counts for top's team, and for mid (not its own team)
    lines = {(Distributor.objects.get(pk=b.distributor_id).code, b.kind): b
             for b in bonuses_compute(month=OCTOBER, settings=switch_on())}
    assert lines[(seller.code, "target")].base_fen == 350_000 and lines[(seller.code, "target")].amount_fen == 10_000
    assert lines[(mid.code, "team")].base_fen == 350_000 and lines[(mid.code, "team")].amount_fen == 5_250
    assert lines[(top.code, "team")].base_fen == 400_000 and lines[(top.code, "team")].amount_fen == 6_000
    assert (mid.code, "target") not in lines  # 50,000 is under the target
    assert (seller.code, "team") not in lines  # nobody below the seller sold: recruiting alone earns nothing


def test_paid_once_through_balanced_journals_and_explained(in_alpha, store_a):
    top, mid, seller = network()
    sale(seller, 400_000)
    switch_on()
    Distributor.objects.filter(pk=top.pk).update(status=Distributor.Status.FROZEN)  # frozen: no bonus
    first = bonuses_pay(month=date(2026, 10, 17))
    assert first == {"paid": 2, "paid_fen": 10_000 + 6_000}
    assert bonuses_pay(month=OCTOBER) == {"paid": 0, "paid_fen": 0}
    assert Bonus.objects.count() == 2 and not Bonus.objects.filter(distributor=top).exists()
    available = Account.objects.get(kind=Account.Kind.DISTRIBUTOR_AVAILABLE, owner_id=seller.pk)
    assert available.balance_fen == 10_000
    assert ledger_reconcile().ok

    token = member_token_issue(member=mid.member)
    response = APIClient(HTTP_HOST=store_a.host).get("/api/v1/distribution/bonuses/",
                                                     HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    assert response.json()["results"] == [{
        "kind": "team", "month": "2026-10", "base_fen": 400_000, "amount_fen": 6_000,
        "explanation": "2026-10 团队奖励：团队销售额 4000.00 × 1.5% = 60.00"}]


def test_the_monthly_job_pays_the_month_before():
    assert previous_month(datetime(2027, 1, 1, 4, 10, tzinfo=timezone.get_current_timezone())) == date(2026, 12, 1)
    assert previous_month(datetime(2026, 11, 1, 4, 10, tzinfo=timezone.get_current_timezone())) == date(2026, 10, 1)
