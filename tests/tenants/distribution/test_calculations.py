"""Commission arithmetic: precedence, rounding, the level cap, explanations, exact claw-backs."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenants.distribution.calculations import (
    Beneficiary,
    CampaignRate,
    LineInput,
    Override,
    Rules,
    clawback_target_fen,
    compute_commissions,
    explain,
)

PAID_AT = datetime(2026, 11, 24, 12, tzinfo=UTC)
LINE = LineInput(line_id=10, position=2, product_id=7, sku_id=70, quantity=1, paid_fen=19900)
RULES = Rules(version=3, level_rates={(1, None): (1200, 1000), (2, None): (500, 300), (1, 9): (1500, 1300)})


def one(drafts, level):
    return next(d for d in drafts if d.level == level)


def test_level_rates_first_and_repeat_orders():
    chain = [Beneficiary(1, 1, None), Beneficiary(2, 2, None)]
    first = compute_commissions(lines=[LINE], beneficiaries=chain, rules=RULES, is_first_order=True, paid_at=PAID_AT)
    assert [(d.level, d.rate_bp, d.amount_fen) for d in first] == [(1, 1200, 2388), (2, 500, 995)]
    repeat = compute_commissions(lines=[LINE], beneficiaries=chain, rules=RULES, is_first_order=False,
                                 paid_at=PAID_AT)
    assert [(d.level, d.amount_fen) for d in repeat] == [(1, 1990), (2, 597)]
    assert all(d.rule_version == 3 and d.base_fen == 19900 for d in first)


def test_grade_rate_wins_over_level_rate():
    drafts = compute_commissions(lines=[LINE], beneficiaries=[Beneficiary(1, 1, 9)], rules=RULES,
                                 is_first_order=True, paid_at=PAID_AT)
    assert (drafts[0].rate_source, drafts[0].rate_bp) == ("grade", 1500)


def test_overrides_and_campaigns_take_precedence():
    week = (PAID_AT - timedelta(days=1), PAID_AT + timedelta(days=6))
    rules = Rules(version=4, level_rates=RULES.level_rates,
                  overrides={(7, None, 1): Override("rate", rate_bp=2000),
                             (7, 70, 2): Override("fixed", fixed_fen=300)},
                  campaigns=(CampaignRate("launch", 1, 3000, *week), CampaignRate("launch", 2, 3000, *week)))
    chain = [Beneficiary(1, 1, None), Beneficiary(2, 2, None)]
    drafts = compute_commissions(lines=[LINE], beneficiaries=chain, rules=rules, is_first_order=True, paid_at=PAID_AT)
    assert (one(drafts, 1).rate_source, one(drafts, 1).amount_fen) == ("product", 3980)
    assert (one(drafts, 2).rate_source, one(drafts, 2).amount_fen, one(drafts, 2).rate_bp) == ("sku", 300, None)
    other = LineInput(line_id=11, position=1, product_id=8, sku_id=80, quantity=1, paid_fen=10000)
    drafts = compute_commissions(lines=[other], beneficiaries=chain[:1], rules=rules, is_first_order=True,
                                 paid_at=PAID_AT)
    assert (drafts[0].rate_source, drafts[0].amount_fen) == ("campaign", 3000)
    after = compute_commissions(lines=[other], beneficiaries=chain[:1], rules=rules, is_first_order=True,
                                paid_at=PAID_AT + timedelta(days=7))
    assert after[0].rate_source == "level"


def test_fixed_amount_is_per_unit_and_capped_at_the_base():
    rules = Rules(version=1, level_rates={}, overrides={(7, None, 1): Override("fixed", fixed_fen=5000)})
    line = LineInput(line_id=1, position=1, product_id=7, sku_id=70, quantity=3, paid_fen=12000)
    drafts = compute_commissions(lines=[line], beneficiaries=[Beneficiary(1, 1, None)], rules=rules,
                                 is_first_order=True, paid_at=PAID_AT)
    assert drafts[0].amount_fen == 12000


def test_never_past_level_three():
    with pytest.raises(ValueError):
        compute_commissions(lines=[LINE], beneficiaries=[Beneficiary(1, 4, None)], rules=RULES, is_first_order=True,
                            paid_at=PAID_AT)


def test_explanation_reads_like_the_issue_example():
    text = explain(order_number="2026112400000001", position=2, level=1, rate_bp=1200, fixed_fen=None,
                   base_fen=19900, amount_fen=2388, rate_source="level", is_first_order=True)
    assert text == "订单 2026112400000001，第 2 行，一级，首单佣金 12% × 199.00 = 23.88"


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=10**8),
       st.lists(st.integers(min_value=1, max_value=10**8), min_size=1, max_size=10))
def test_partial_clawbacks_sum_exactly_to_the_commission(amount, paid, refund_parts):
    amount = min(amount, paid)
    refunded = clawed = 0
    for part in refund_parts:
        refunded = min(paid, refunded + part)
        target = clawback_target_fen(amount_fen=amount, line_paid_fen=paid, line_refunded_fen=refunded)
        assert target >= clawed  # never gives back what was taken
        clawed = target
    final = clawback_target_fen(amount_fen=amount, line_paid_fen=paid, line_refunded_fen=paid)
    assert final == amount
