"""The plans synced to the Stripe sandbox (``stripe_fake``, in the root conftest), and helpers that deliver
its signed events to our webhook endpoint like Stripe would."""

from __future__ import annotations

from contextlib import contextmanager

from django.test import Client
from django_tenants.utils import schema_context

from billing.models import Plan, Subscription
from billing.sync import plan_sync
from sandbox.stripe_api import Delivery, StripeSandbox

WEBHOOK_URL = "/billing/stripe/webhook/"
SYNCED_FIELDS = ["stripe_product_id", "stripe_monthly_price_id", "stripe_yearly_price_id", "synced_at"]


@contextmanager
def plans_synced_for_real():
    """Sync the plans to the Stripe sandbox and commit (for tests whose server threads read committed data);
    the plans' Stripe ids are put back afterwards."""
    saved = {plan.pk: {f: getattr(plan, f) for f in SYNCED_FIELDS} for plan in Plan.objects.all()}
    for plan in Plan.objects.all():
        plan_sync(plan)
    try:
        yield
    finally:
        for pk, fields in saved.items():
            Plan.objects.filter(pk=pk).update(**fields)


def deliver(delivery: Delivery, *, signature: str | None = None, payload: str | None = None):
    return Client(HTTP_HOST="localhost").generic(
        "POST", WEBHOOK_URL, (payload if payload is not None else delivery.payload).encode(),
        content_type="application/json", HTTP_STRIPE_SIGNATURE=signature or delivery.signature)


def deliver_new(fake: StripeSandbox, seen: list[str]) -> list[str]:
    """Deliver every event not delivered yet, in order; returns their types."""
    kinds = []
    for delivery in fake.deliveries:
        if delivery.event_id in seen:
            continue
        seen.append(delivery.event_id)
        response = deliver(delivery)
        assert response.status_code == 200, response.content
        kinds.append(next(e["type"] for e in fake.events if e["id"] == delivery.event_id))
    return kinds


def subscription_of(store) -> Subscription:
    with schema_context("public"):
        return Subscription.objects.select_related("plan", "tenant", "next_plan").get(tenant_id=store.tenant.pk)
