"""Points under a race, on real threads and commits: six checkouts of one member at the same moment, each paying
600 of their 1,000 points, place exactly one order; six deductions of 600 at once take exactly one. Each racer
holds its transaction open a moment after spending, so that without the lock on the member's points account the
others would read the same 1,000 and spend it too."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections, transaction
from django_tenants.utils import schema_context

from core.errors import Conflict, ValidationFailed
from tenants.catalog.services import SkuInput, product_create
from tenants.ledger.selectors import ledger_reconcile
from tenants.loyalty.points import loyalty_settings_get, points_adjust, points_balance, points_grant
from tenants.orders.models import Order, ShippingTemplate
from tenants.orders.selectors import order_settings_get
from tenants.orders.services import order_create
from tests.conftest import store_for_real
from tests.factories import AddressFactory, MemberFactory

RACERS = 6


@pytest.fixture
def rich_member(django_db_blocker):
    with django_db_blocker.unblock(), store_for_real("pointsrace", "Points race") as tenant:
        with transaction.atomic(), schema_context(tenant.schema_name):
            ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
            # A product each, so that nothing else (a stock row) puts the checkouts in line.
            skus = [product_create(title=f"面霜{n}", publish=True, skus=[SkuInput(price_fen=9900, stock=5)]).skus.get()
                    for n in range(RACERS)]
            member = MemberFactory()
            address = AddressFactory(member=member)
            points_grant(member_id=member.pk, points=1000, key="race:gift", memo="gift")
            loyalty_settings_get(), order_settings_get()  # the rules' rows exist before the race (a first read
            # creates them, and a creation in flight would put the racers in line)
        yield tenant, member, address.pk, [sku.pk for sku in skus]


def _checkout(schema: str, member, address_id: int, sku_id: int, n: int) -> str:
    try:
        with schema_context(schema), transaction.atomic():
            order_create(member=member, idempotency_key=f"points-race-{n:04d}", address_id=address_id,
                         items=[{"sku_id": sku_id, "quantity": 1}], coupon_ids=[], points=600)
            time.sleep(0.3)
            return "placed"
    except (Conflict, ValidationFailed) as refusal:
        return refusal.code
    finally:
        connections.close_all()


def test_concurrent_checkouts_never_spend_the_same_points_twice(rich_member):
    tenant, member, address_id, sku_ids = rich_member
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        results = list(pool.map(lambda n: _checkout(tenant.schema_name, member, address_id, sku_ids[n], n),
                                range(RACERS)))
    assert results.count("placed") == 1, results
    assert set(results) <= {"placed", "points_not_enough", "points_over_limit"}
    with schema_context(tenant.schema_name):
        assert Order.objects.count() == 1
        assert points_balance(member_id=member.pk) == 400
        assert ledger_reconcile().ok


def _deduct(schema: str, member, n: int) -> str:
    try:
        with schema_context(schema), transaction.atomic():
            points_adjust(member_id=member.pk, points=-600, reason="race", actor="staff", key=f"race:deduct:{n}")
            time.sleep(0.3)
            return "taken"
    except Conflict as refusal:
        return refusal.code
    finally:
        connections.close_all()


def test_concurrent_deductions_never_take_the_same_points_twice(rich_member):
    tenant, member, _address_id, _sku_ids = rich_member
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        results = list(pool.map(lambda n: _deduct(tenant.schema_name, member, n), range(RACERS)))
    assert sorted(results) == ["points_not_enough"] * (RACERS - 1) + ["taken"]
    with schema_context(tenant.schema_name):
        assert points_balance(member_id=member.pk) == 400
        assert ledger_reconcile().ok
