"""The webhook endpoint: the SDK's signature check on the raw body, nothing written for a forged, tampered
or stale delivery, redeliveries ignored by event id, and the same end state whatever order events arrive in."""

from __future__ import annotations

import json
import time

from django_tenants.utils import schema_context

from billing.models import Invoice, Subscription, WebhookEvent
from billing.services import checkout_start
from sandbox.stripe_api import sign_payload
from tests.billing.conftest import deliver, subscription_of
from tests.conftest import STRIPE_WEBHOOK_SECRET as WEBHOOK_SECRET


def checkout(store, fake) -> None:
    url = checkout_start(tenant=store.tenant, plan_code="pro", interval="month", success_url="http://x/ok",
                         cancel_url="http://x/no")
    fake.checkout_complete(url.rsplit("/", 1)[1])


def kinds(fake) -> dict[str, str]:
    return {event["id"]: event["type"] for event in fake.events}


def recorded() -> int:
    with schema_context("public"):
        return WebhookEvent.objects.count()


def test_forged_tampered_stale_and_unsigned_deliveries_are_refused_and_write_nothing(store_a, stripe_fake,
                                                                                      stripe_plans):
    checkout(store_a, stripe_fake)
    delivery = next(d for d in stripe_fake.deliveries if kinds(stripe_fake)[d.event_id] == "checkout.session.completed")
    now = int(time.time())
    forged = sign_payload(delivery.payload, "whsec_someone_else", now)
    event = json.loads(delivery.payload)
    event["data"]["object"]["client_reference_id"] = str(store_a.tenant.pk + 1)
    tampered = json.dumps(event)
    stale = sign_payload(delivery.payload, WEBHOOK_SECRET, now - 301)
    for signature, payload in [(forged, None), (delivery.signature, tampered), (stale, None), ("", None),
                               ("t=abc,v1=zz", None)]:
        response = deliver(delivery, signature=signature or "missing", payload=payload)
        assert response.status_code == 400, (signature, response.content)
        assert response.json()["code"] == "bad_signature"
    assert recorded() == 0
    subscription = subscription_of(store_a)
    assert subscription.stripe_subscription_id is None and subscription.status == "trialing"

    assert deliver(delivery).status_code == 200  # the genuine one, signed a moment ago
    assert subscription_of(store_a).stripe_subscription_id is not None


def test_a_replayed_event_is_recorded_once_and_changes_nothing(store_a, stripe_fake, stripe_plans):
    checkout(store_a, stripe_fake)
    invoice_paid = next(d for d in stripe_fake.deliveries if kinds(stripe_fake)[d.event_id] == "invoice.paid")
    first = deliver(invoice_paid)
    assert first.json() == {"received": True, "duplicate": False}
    again = deliver(invoice_paid)
    assert again.status_code == 200 and again.json() == {"received": True, "duplicate": True}
    with schema_context("public"):
        assert WebhookEvent.objects.filter(event_id=invoice_paid.event_id).count() == 1
        assert Invoice.objects.filter(tenant_id=store_a.tenant.pk).count() == 1


def end_state(store) -> tuple:
    subscription = subscription_of(store)
    with schema_context("public"):
        invoices = sorted(Invoice.objects.filter(tenant_id=store.tenant.pk).values_list("amount_paid_minor", "status"))
    return (subscription.status, subscription.plan.code, subscription.stripe_subscription_id,
            subscription.current_period_end, subscription.tenant.status, invoices)


def test_events_in_any_order_end_in_the_same_state(store_a, stripe_fake, stripe_plans):
    checkout(store_a, stripe_fake)
    subscription_id = next(o["id"] for o in stripe_fake.objects.values() if o["object"] == "subscription")
    stripe_fake.advance(subscription_id)  # the trial converts: invoice.paid, subscription.updated
    deliveries = list(stripe_fake.deliveries)
    order = [kinds(stripe_fake)[d.event_id] for d in reversed(deliveries)]
    assert order.index("customer.subscription.updated") < order.index("customer.subscription.created")
    for delivery in reversed(deliveries):  # "updated" before "created", the session's completion last
        assert deliver(delivery).status_code == 200
    reversed_state = end_state(store_a)
    assert reversed_state[0] == Subscription.Status.ACTIVE and reversed_state[4] == "active"
    assert reversed_state[5] == [(0, "paid"), (29900, "paid")]

    # The same events in Stripe's order, on a fresh copy of the records, end identically.
    with schema_context("public"):
        WebhookEvent.objects.all().delete()
        Invoice.objects.all().delete()
        Subscription.objects.filter(tenant_id=store_a.tenant.pk).update(
            status="trialing", stripe_subscription_id=None, current_period_end=None)
    for delivery in deliveries:
        assert deliver(delivery).status_code == 200
    assert end_state(store_a) == reversed_state


def _signed_event(event_type: str, obj: dict, event_id: str) -> tuple[str, str]:
    payload = json.dumps({"id": event_id, "object": "event", "type": event_type, "created": int(time.time()),
                          "data": {"object": obj}})
    return payload, sign_payload(payload, WEBHOOK_SECRET, int(time.time()))


def _post(payload: str, signature: str):
    from django.test import Client

    return Client(HTTP_HOST="localhost").generic("POST", "/billing/stripe/webhook/", payload.encode(),
                                                 content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)


def test_a_signed_event_about_an_unknown_subscription_is_acknowledged_once(store_a, stripe_fake, stripe_plans):
    payload, signature = _signed_event("customer.subscription.updated", {
        "id": "sub_nobody_knows", "object": "subscription", "metadata": {"tenant_id": str(store_a.tenant.pk)}},
        "evt_unknown_subscription")
    first = _post(payload, signature)
    assert first.status_code == 200 and first.json() == {"received": True, "duplicate": False}
    assert _post(payload, signature).json() == {"received": True, "duplicate": True}  # no retry storm
    assert recorded() == 1
    assert subscription_of(store_a).stripe_subscription_id is None  # nothing applied


def test_stripe_unreachable_asks_for_a_retry_and_keeps_nothing(store_a, stripe_fake, stripe_plans, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    payload, signature = _signed_event("invoice.paid", {
        "id": "in_somewhere", "object": "invoice", "metadata": {"tenant_id": str(store_a.tenant.pk)}},
        "evt_unreachable")
    reply = _post(payload, signature)
    assert reply.status_code == 503 and reply.json()["code"] == "stripe_unavailable"
    assert recorded() == 0  # Stripe's retry will find it new
