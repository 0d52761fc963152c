"""Rule versions and the commission simulator."""

import pytest
from django.db.models import Sum
from django.utils import timezone

from core.errors import IllegalTransition, ValidationFailed
from tenants.distribution.models import Binding, Commission, RuleSet
from tenants.distribution.rules import rule_set_draft_create, rule_set_publish, rule_set_set_level_rate
from tenants.distribution.services import commission_accrue_for_order
from tenants.distribution.simulator import simulate
from tests.factories import MemberFactory
from tests.tenants.distribution.builders import make_distributor, make_paid_order, publish_rates


def test_publishing_versions_and_guards(in_alpha):
    current = publish_rates(version=1)
    draft = rule_set_draft_create(based_on=current, note="双十一")
    assert (draft.version, draft.status, draft.level_rates.count()) == (2, "draft", 2)
    with pytest.raises(ValidationFailed):
        rule_set_set_level_rate(rule_set=draft, level=4, first_order_bp=100, repeat_order_bp=100)
    rule_set_set_level_rate(rule_set=draft, level=1, first_order_bp=9000, repeat_order_bp=9000)
    rule_set_set_level_rate(rule_set=draft, level=2, first_order_bp=2000, repeat_order_bp=300)
    with pytest.raises(ValidationFailed) as too_much:  # 90% + 20% of one sale
        rule_set_publish(rule_set=draft)
    assert too_much.value.code == "rates_exceed_sale"
    rule_set_set_level_rate(rule_set=draft, level=1, first_order_bp=1500, repeat_order_bp=1200)
    published = rule_set_publish(rule_set=draft)
    assert published.status == "published"
    assert RuleSet.objects.get(pk=current.pk).status == "archived"
    with pytest.raises(IllegalTransition):
        rule_set_set_level_rate(rule_set=published, level=1, first_order_bp=1, repeat_order_bp=1)


def test_simulator_replays_real_orders_without_writing(in_alpha):
    current = publish_rates(version=1, rates={1: (1000, 1000), 2: (500, 500)})
    top = make_distributor()
    seller = make_distributor(parent=top)
    for price in (10000, 20000):
        buyer = MemberFactory()
        Binding.objects.create(member=buyer, distributor=seller, source="link", bound_at=timezone.now())
        commission_accrue_for_order(order_id=make_paid_order(member=buyer, line_prices=[price]).pk)
    make_paid_order(member=MemberFactory(), line_prices=[50000])  # nobody brought this buyer: no commission
    real_total = Commission.objects.aggregate(s=Sum("amount_fen"))["s"]
    draft = rule_set_draft_create(based_on=current)
    rule_set_set_level_rate(rule_set=draft, level=1, first_order_bp=2000, repeat_order_bp=2000)
    count_before = Commission.objects.count()

    result = simulate(draft=draft, days=30, now=timezone.now())
    assert result.orders == 2
    assert result.current.total_fen == real_total == 4500
    assert result.draft.total_fen == 7500
    assert result.difference_fen == 3000
    assert dict(result.draft.by_distributor) == {seller.pk: 6000, top.pk: 1500}
    assert sum(result.draft.by_product.values()) == 7500
    assert Commission.objects.count() == count_before
