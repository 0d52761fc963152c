"""Ten merchants' requests racing for the last product slot of the plan, on real threads and commits:
exactly one gets it (the check takes an advisory lock near the limit), the others are refused."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections, transaction
from django_tenants.utils import schema_context

from billing.models import Plan, Subscription
from core.errors import PlanLimitReached
from tenants.catalog.models import Product
from tenants.catalog.services import SkuInput, product_create
from tests.conftest import store_for_real

RACERS = 10


@pytest.fixture
def crowded_store(django_db_blocker):
    with django_db_blocker.unblock(), store_for_real("crowded", "Crowded") as tenant:
        with transaction.atomic():
            Subscription.objects.filter(tenant=tenant).update(plan=Plan.objects.get(code="basic"))
            with schema_context(tenant.schema_name):
                Product.objects.bulk_create([Product(title=f"p{i}") for i in range(99)])
        yield tenant

def test_only_one_request_takes_the_last_slot(crowded_store):
    def create(n: int) -> str:
        try:
            with schema_context(crowded_store.schema_name), transaction.atomic():
                product_create(title=f"racer {n}", skus=[SkuInput(price_fen=100, stock=1)])
            return "created"
        except PlanLimitReached:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        outcomes = list(pool.map(create, range(RACERS)))
    assert sorted(outcomes) == ["created"] + ["refused"] * (RACERS - 1)
    with schema_context(crowded_store.schema_name):
        assert Product.objects.count() == 100
