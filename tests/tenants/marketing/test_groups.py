"""Group buys: defined with field errors; a leader's order opens a team at the group price, others take its
places, and when every place is paid the team succeeds; a full team refuses the next; when the time is up an
unfilled team cancels its unpaid orders and refunds its paid ones through the refund path, exactly once; a
payment that arrives after the team failed is refunded at once; a crowd racing for the last places gets exactly
as many as are left."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from core.errors import Conflict, ValidationFailed
from tenants.catalog.services import SkuInput, product_create
from tenants.marketing.groups import GroupBuyInput, group_buy_create, group_teams_settle
from tenants.marketing.models import GroupTeam, GroupTeamMember
from tenants.orders.models import AfterSale, Order, ShippingTemplate
from tenants.orders.services import order_create, order_mark_paid
from tenants.payments.models import Refund
from tests.conftest import store_for_real
from tests.factories import AddressFactory, MemberFactory

HOUR = timedelta(hours=1)


def _group(size: int = 2):
    ShippingTemplate.objects.get_or_create(name="包邮", defaults={"mode": "flat", "flat_fee_fen": 0,
                                                                "is_default": True})
    sku = product_create(title="拼团面霜", publish=True, skus=[SkuInput(price_fen=19900, stock=50)]).skus.get()
    now = timezone.now()
    return group_buy_create(values=GroupBuyInput(name="两人团", starts_at=now - HOUR, ends_at=now + 48 * HOUR,
                                                 sku_id=sku.pk, price_fen=9900, group_size=size, hours=24))


def _order(group, team_id=None, key=None):
    member = MemberFactory()
    order, _created = order_create(member=member, idempotency_key=key or f"group-{member.pk:08d}",
                                   address_id=AddressFactory(member=member).pk,
                                   items=[{"sku_id": group.sku_id, "quantity": 1}],
                                   group_buy={"id": group.pk, "team": team_id})
    return order


def _pay(order) -> None:
    order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id=f"tx-{order.pk}",
                    paid_at=timezone.now())


def test_definitions_say_what_is_wrong(in_alpha):
    sku = product_create(title="面霜", publish=True, skus=[SkuInput(price_fen=9900, stock=5)]).skus.get()
    now = timezone.now()
    with pytest.raises(ValidationFailed) as bad:
        group_buy_create(values=GroupBuyInput(name="团", starts_at=now, ends_at=now + HOUR, sku_id=sku.pk,
                                              price_fen=9900, group_size=1, hours=100))
    assert set(bad.value.fields) == {"price_fen", "group_size", "hours"}


def test_a_team_fills_and_the_next_is_refused(in_alpha):
    group = _group(size=2)
    leader = _order(group)
    assert leader.payable_fen == 9900 and leader.pricing["adjustments"][0]["label"] == "拼团价"
    team = GroupTeam.objects.get()
    joiner = _order(group, team.pk)
    with pytest.raises(Conflict) as full:
        _order(group, team.pk)
    assert full.value.code == "group_full"
    _pay(leader)
    team.refresh_from_db()
    assert team.status == "open"
    _pay(joiner)
    team.refresh_from_db()
    assert team.status == "filled" and team.settled_at is not None


def test_an_unfilled_team_is_cancelled_and_refunded_once(in_alpha):
    group = _group(size=3)
    leader = _order(group)
    team = GroupTeam.objects.get()
    late = _order(group, team.pk)
    _pay(leader)
    assert group_teams_settle()["group_teams_failed"] == 0  # not yet
    result = group_teams_settle(now=team.deadline_at + timedelta(seconds=1))
    assert result == {"group_teams_failed": 1, "group_refunds": 1, "group_orders_cancelled": 1}
    late.refresh_from_db()
    assert late.status == "cancelled"
    refund = AfterSale.objects.get(order=leader)
    assert (refund.kind, refund.status, refund.refund_fen) == ("refund_only", "refunding", 9900)
    assert Refund.objects.filter(order_id=leader.pk, amount_fen=9900).count() == 1
    assert group_teams_settle(now=team.deadline_at + HOUR)["group_teams_failed"] == 0
    assert Refund.objects.filter(order_id=leader.pk).count() == 1
    assert GroupTeamMember.objects.get(order_id=leader.pk).refunded


def test_a_payment_after_the_team_failed_is_refunded_at_once(in_alpha):
    group = _group(size=2)
    leader = _order(group)
    team = GroupTeam.objects.get()
    group_teams_settle(now=team.deadline_at + timedelta(seconds=1))
    leader.refresh_from_db()
    assert leader.status == "cancelled"
    other = _order(group)  # a new team; its leader pays only after it failed
    second = GroupTeam.objects.exclude(pk=team.pk).get()
    GroupTeam.objects.filter(pk=second.pk).update(status="failed")
    _pay(other)
    assert Refund.objects.filter(order_id=other.pk, amount_fen=9900).count() == 1
    assert GroupTeamMember.objects.get(order_id=other.pk).refunded


CROWD = 6


@pytest.fixture
def open_team(django_db_blocker):
    with django_db_blocker.unblock(), store_for_real("grouprace", "Group race") as tenant:
        with transaction.atomic(), schema_context(tenant.schema_name):
            group = _group(size=3)
            _order(group)
            buyers = [(m, AddressFactory(member=m).pk) for m in (MemberFactory() for _ in range(CROWD))]
        yield tenant, group, buyers


def _join(schema: str, group, team_id: int, buyer) -> str:
    member, address = buyer
    try:
        with schema_context(schema):
            order_create(member=member, idempotency_key=f"join-{member.pk:08d}", address_id=address,
                         items=[{"sku_id": group.sku_id, "quantity": 1}], group_buy={"id": group.pk, "team": team_id})
            return "joined"
    except Conflict as refusal:
        return refusal.code
    finally:
        connections.close_all()


def test_a_crowd_racing_for_the_last_places_gets_exactly_those(open_team):
    tenant, group, buyers = open_team
    with schema_context(tenant.schema_name):
        team_id = GroupTeam.objects.get().pk
    with ThreadPoolExecutor(max_workers=CROWD) as pool:
        results = list(pool.map(lambda b: _join(tenant.schema_name, group, team_id, b), buyers))
    assert results.count("joined") == 2 and set(results) == {"joined", "group_full"}
    with schema_context(tenant.schema_name):
        assert GroupTeamMember.objects.filter(team_id=team_id).count() == 3
        assert Order.objects.filter(lines__sku_id=group.sku_id).count() == 3
