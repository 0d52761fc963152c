"""Plans are edited here, on the platform; this makes Stripe's Products and Prices follow. A Stripe price
cannot change its amount, so a new amount is a new price that takes over the lookup key, and the old one is
archived (its subscribers keep paying it until they change plan, as Stripe does)."""

from __future__ import annotations

from django.utils import timezone
from django_tenants.utils import schema_context

from .gateway import StripeError, stripe_client
from .models import Interval, Plan


def _product_id(plan: Plan) -> str:
    return f"plan_{plan.code.replace('-', '_')}"


def _product_sync(plan: Plan) -> str:
    client = stripe_client()
    params = {"name": plan.name, "active": plan.is_active, "metadata": {"plan_code": plan.code}}
    product_id = plan.stripe_product_id or _product_id(plan)
    revision = f"{plan.updated_at.timestamp():.0f}"
    try:
        client.v1.products.update(product_id, params=params,
                                  options={"idempotency_key": f"product-{product_id}-update-{revision}"})
    except StripeError as exc:
        if getattr(exc, "http_status", None) != 404:
            raise
        client.v1.products.create(params={"id": product_id, **params},
                                  options={"idempotency_key": f"product-{product_id}"})
    return product_id


def _price_sync(plan: Plan, product_id: str, interval: str) -> str:
    client = stripe_client()
    amount = plan.price_minor(interval)
    lookup_key = f"plan_{plan.code}_{interval}"
    current = [price.to_dict() for price in
               client.v1.prices.list(params={"lookup_keys": [lookup_key], "active": True}).data]
    for price in current:
        if price["unit_amount"] == amount and price["currency"] == plan.currency and price["product"] == product_id:
            return price["id"]
    # Keyed by the plan's revision: a retry of this sync reuses the price; a later edit makes a new one.
    price = client.v1.prices.create(params={
        "product": product_id, "currency": plan.currency, "unit_amount": amount, "recurring": {"interval": interval},
        "lookup_key": lookup_key, "transfer_lookup_key": True,
        "metadata": {"plan_code": plan.code, "interval": interval},
    }, options={"idempotency_key": f"price-{lookup_key}-{amount}-{plan.currency}-{plan.updated_at.timestamp():.0f}"})
    for old in current:
        client.v1.prices.update(old["id"], params={"active": False},
                                options={"idempotency_key": f"price-{old['id']}-archive"})
    return price.id


def plan_sync(plan: Plan) -> Plan:
    """One plan's Product and its monthly and yearly Prices in Stripe; the ids are kept on the plan."""
    product_id = _product_sync(plan)
    monthly = _price_sync(plan, product_id, Interval.MONTH)
    yearly = _price_sync(plan, product_id, Interval.YEAR)
    with schema_context("public"):
        Plan.objects.filter(pk=plan.pk).update(stripe_product_id=product_id, stripe_monthly_price_id=monthly,
                                               stripe_yearly_price_id=yearly, synced_at=timezone.now())
        plan.refresh_from_db()
    return plan


def plans_to_sync() -> list[Plan]:
    with schema_context("public"):
        return list(Plan.objects.all())
