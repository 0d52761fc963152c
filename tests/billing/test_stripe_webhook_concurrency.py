"""Every event of a checkout delivered 25 times at once, shuffled, over real threads and commits: each event
recorded once, one invoice, one subscription, every reply a 200."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client

from billing.models import Invoice, Subscription, WebhookEvent
from billing.services import checkout_start
from tests.billing.conftest import WEBHOOK_URL, plans_synced_for_real
from tests.conftest import store_for_real

COPIES = 25


@pytest.fixture
def committed_store(django_db_blocker, stripe_fake):
    with django_db_blocker.unblock(), plans_synced_for_real(), store_for_real("rush", "Rush") as tenant:
        yield tenant
        WebhookEvent.objects.filter(tenant_id=tenant.pk).delete()

def test_duplicate_events_delivered_concurrently_are_processed_once(committed_store, stripe_fake):
    url = checkout_start(tenant=committed_store, plan_code="pro", interval="month", success_url="http://x/ok",
                         cancel_url="http://x/no")
    stripe_fake.checkout_complete(url.rsplit("/", 1)[1])
    deliveries = [d for d in stripe_fake.deliveries for _ in range(COPIES)]
    random.Random(7).shuffle(deliveries)

    def deliver(delivery) -> tuple[int, bool]:
        try:
            response = Client(HTTP_HOST="localhost").generic(
                "POST", WEBHOOK_URL, delivery.payload.encode(), content_type="application/json",
                HTTP_STRIPE_SIGNATURE=delivery.signature)
            return response.status_code, response.json().get("duplicate")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(deliver, deliveries))
    assert {status for status, _ in results} == {200}
    assert sum(1 for _, duplicate in results if duplicate is False) == len(stripe_fake.deliveries)
    assert WebhookEvent.objects.filter(tenant_id=committed_store.pk).count() == len(stripe_fake.deliveries)
    assert Invoice.objects.filter(tenant_id=committed_store.pk).count() == 1
    subscription = Subscription.objects.get(tenant_id=committed_store.pk)
    assert subscription.status == "trialing" and subscription.stripe_subscription_id.startswith("sub_")
