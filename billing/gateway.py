"""The one place that builds a Stripe client (the only module of ours, with webhooks.py, that imports stripe)."""

from __future__ import annotations

from functools import lru_cache

import stripe
from django.conf import settings


@lru_cache(maxsize=4)
def _client(secret_key: str, api_base: str) -> stripe.StripeClient:
    # Our own retries are Celery's; every write carries a deterministic idempotency key, so any retry is safe.
    return stripe.StripeClient(secret_key, base_addresses={"api": api_base}, max_network_retries=2)


def stripe_client() -> stripe.StripeClient:
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


StripeError = stripe.StripeError
