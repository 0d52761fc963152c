"""Stripe's one webhook endpoint. The signature is checked by the SDK on the raw body before anything is
parsed or written; each event id is recorded once (a redelivery, even a concurrent one, is a no-op); the
event only says *what* changed: the subscription and invoice are re-read from Stripe, so events may come
in any order. One transaction per event: if Stripe cannot be reached, nothing is kept and Stripe is told to
retry later (503, never a 500). An event about a subscription or invoice Stripe itself does not know (deleted,
or from another account's test data) is recorded and acknowledged: retrying it could never succeed."""

from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import schema_context

from core.text import ascii_digits

from .models import Subscription
from .services import invoice_refresh, subscription_refresh

logger = logging.getLogger(__name__)
HANDLED = {"checkout.session.completed", "customer.subscription.created", "customer.subscription.updated",
           "customer.subscription.deleted", "customer.subscription.paused", "customer.subscription.resumed",
           "customer.subscription.trial_will_end", "invoice.created", "invoice.finalized", "invoice.paid",
           "invoice.payment_failed", "invoice.payment_succeeded", "invoice.voided",
           "invoice.marked_uncollectible"}


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        event = stripe.Webhook.construct_event(request.body, request.headers.get("Stripe-Signature", ""),
                                               settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        logger.warning("stripe webhook refused: %s", exc)
        return JsonResponse({"code": "bad_signature", "message": "Invalid payload or signature.", "fields": {}},
                            status=400)
    try:
        processed = webhook_process(event.to_dict())
    except stripe.StripeError as exc:  # Stripe unreachable or failing: nothing was kept, Stripe retries later
        logger.warning("stripe webhook %s not processed, Stripe asked to retry: %s", event["id"], exc)
        return JsonResponse({"code": "stripe_unavailable", "message": "Retry later.", "fields": {}}, status=503)
    return JsonResponse({"received": True, "duplicate": not processed})


def _tenant_of(obj: dict) -> int | None:
    """Which store an event's object belongs to: our metadata or reference first, then the customer."""
    reference = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("tenant_id")
    if reference and ascii_digits(str(reference)):
        return int(reference)
    customer = obj.get("customer")
    if not customer:
        return None
    return Subscription.objects.filter(stripe_customer_id=customer).values_list("tenant_id", flat=True).first()


def _subscription_of_invoice(invoice: dict) -> str | None:
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return details.get("subscription") or invoice.get("subscription")


def webhook_process(event: dict) -> bool:
    """Record and act on a verified event (as plain data). False when the event was already recorded."""
    obj = event["data"]["object"]
    with schema_context("public"), transaction.atomic():
        tenant_id = _tenant_of(obj)
        with connection.cursor() as cursor:
            # Waits for a concurrent delivery of the same event to commit, then sees it and does nothing.
            cursor.execute("INSERT INTO billing_webhookevent (event_id, type, tenant_id, received_at) "
                           "VALUES (%s, %s, %s, now()) ON CONFLICT (event_id) DO NOTHING RETURNING id",
                           [event["id"], event["type"], tenant_id])
            if cursor.fetchone() is None:
                return False
        if tenant_id is None or event["type"] not in HANDLED:
            logger.info("stripe event %s (%s) recorded, nothing to do", event["id"], event["type"])
            return True
        # One store's events one at a time, the subscription row locked first: a fixed lock order, no deadlock
        # between an invoice event and a subscription event arriving together.
        Subscription.objects.select_for_update().filter(tenant_id=tenant_id).first()
        try:
            _follow(event["type"], obj, tenant_id)
        except stripe.InvalidRequestError as exc:
            if exc.http_status != 404:
                raise
            logger.warning("stripe event %s (%s) names an object Stripe does not know (%s): recorded, ignored",
                           event["id"], event["type"], exc.user_message or exc)
    return True


def _follow(kind: str, obj: dict, tenant_id: int) -> None:
    """Re-read from Stripe what the event is about."""
    if kind == "checkout.session.completed":
        if obj.get("subscription"):
            subscription_refresh(tenant_id=tenant_id, stripe_subscription_id=obj["subscription"])
        if obj.get("invoice"):
            invoice_refresh(tenant_id=tenant_id, stripe_invoice_id=obj["invoice"])
    elif kind.startswith("customer.subscription."):
        subscription_refresh(tenant_id=tenant_id, stripe_subscription_id=obj["id"])
    else:
        invoice_refresh(tenant_id=tenant_id, stripe_invoice_id=obj["id"])
        if subscription_id := _subscription_of_invoice(obj):
            subscription_refresh(tenant_id=tenant_id, stripe_subscription_id=subscription_id)
