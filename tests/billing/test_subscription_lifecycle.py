"""A store's subscription from trial to paying, through failed renewals, suspension and recovery, to
cancellation, with every state change arriving as a signed Stripe event re-read from the Stripe sandbox."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import requests
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import Invoice, Subscription
from billing.services import billing_dunning, checkout_start, plan_change, portal_url
from control_plane.tenancy.models import Tenant
from control_plane.tenancy.services import tenant_resume, tenant_suspend
from core.errors import Conflict, IllegalTransition
from tests.billing.conftest import deliver_new, subscription_of
from tests.conftest import console_login

SUCCESS, CANCEL = "http://alpha.localhost/console/billing/?paid=1", "http://alpha.localhost/console/billing/"


def tenant_of(store) -> Tenant:
    with schema_context("public"):
        return Tenant.objects.get(pk=store.tenant.pk)


def subscribe(store, fake, plan_code: str = "pro", interval: str = "month", card: str = "ok") -> list[str]:
    url = checkout_start(tenant=store.tenant, plan_code=plan_code, interval=interval, success_url=SUCCESS,
                         cancel_url=CANCEL)
    assert url.startswith(fake.public_base + "/checkout/cs_test_")
    fake.checkout_complete(url.rsplit("/", 1)[1], card=card)
    seen: list[str] = []
    deliver_new(fake, seen)
    return seen


def test_a_new_store_starts_on_a_local_trial(store_a):
    subscription = subscription_of(store_a)
    assert subscription.status == Subscription.Status.TRIALING and subscription.plan.code == "pro"
    assert subscription.stripe_customer_id == "" and subscription.stripe_subscription_id is None
    assert timedelta(days=13) < subscription.trial_ends_at - timezone.now() <= timedelta(days=14)


def test_trial_then_checkout_then_paying(store_a, stripe_fake, stripe_plans):
    seen = subscribe(store_a, stripe_fake)
    subscription = subscription_of(store_a)
    # The remaining trial carried over into Stripe: nothing charged yet, the store still trialing.
    assert subscription.status == Subscription.Status.TRIALING
    assert subscription.stripe_subscription_id.startswith("sub_") and subscription.stripe_item_id.startswith("si_")
    assert tenant_of(store_a).status == Tenant.Status.TRIALING
    remote = stripe_fake.objects[subscription.stripe_subscription_id]
    assert remote["metadata"] == {"tenant_id": str(store_a.tenant.pk)}
    assert abs(remote["trial_end"] - subscription.trial_ends_at.timestamp()) < 2

    stripe_fake.advance(subscription.stripe_subscription_id)  # the trial ends, the card is charged
    kinds = deliver_new(stripe_fake, seen)
    assert kinds == ["invoice.created", "invoice.paid", "customer.subscription.updated"]
    subscription = subscription_of(store_a)
    assert subscription.status == Subscription.Status.ACTIVE and subscription.past_due_since is None
    tenant = tenant_of(store_a)
    assert tenant.status == Tenant.Status.ACTIVE and tenant.plan_code == "pro"
    with schema_context("public"):
        invoices = list(Invoice.objects.filter(tenant_id=store_a.tenant.pk).order_by("created_at", "amount_due_minor"))
    assert [(i.amount_due_minor, i.amount_paid_minor, i.status) for i in invoices] == [(0, 0, "paid"),
                                                                                      (29900, 29900, "paid")]
    assert "CNY 299.00 · paid 299.00" in requests.get(invoices[1].hosted_url, timeout=5).text
    assert portal_url(tenant=store_a.tenant, return_url=CANCEL).startswith(stripe_fake.public_base + "/portal/")


def test_checkout_after_the_trial_charges_at_once_and_reuses_one_customer(store_a, stripe_fake, stripe_plans):
    end_trial_soon(store_a)
    first = checkout_start(tenant=store_a.tenant, plan_code="basic", interval="year", success_url=SUCCESS,
                           cancel_url=CANCEL)
    again = checkout_start(tenant=store_a.tenant, plan_code="basic", interval="year", success_url=SUCCESS,
                           cancel_url=CANCEL)
    assert first == again  # the same idempotency key: a double click opens the same session
    customers = [o for o in stripe_fake.objects.values() if o["object"] == "customer"]
    assert len(customers) == 1 and customers[0]["metadata"]["tenant_id"] == str(store_a.tenant.pk)
    session = stripe_fake.objects[first.rsplit("/", 1)[1]]
    assert session["_trial_end"] == 0  # under 48 hours of trial left: no trial in Stripe
    stripe_fake.checkout_complete(session["id"])
    deliver_new(stripe_fake, [])
    subscription = subscription_of(store_a)
    assert (subscription.status, subscription.plan.code, subscription.interval) == ("active", "basic", "year")
    assert tenant_of(store_a).status == Tenant.Status.ACTIVE
    with pytest.raises(Conflict):
        checkout_start(tenant=store_a.tenant, plan_code="pro", interval="month", success_url=SUCCESS,
                       cancel_url=CANCEL)


def test_failed_renewal_grace_suspension_and_recovery(store_a, stripe_fake, stripe_plans, client_a,
                                                      django_capture_on_commit_callbacks):
    seen = subscribe(store_a, stripe_fake)
    subscription = subscription_of(store_a)
    stripe_fake.advance(subscription.stripe_subscription_id)
    deliver_new(stripe_fake, seen)
    stripe_fake.cards[subscription.stripe_customer_id] = "fail"

    stripe_fake.advance(subscription.stripe_subscription_id)  # the renewal's charge is declined
    kinds = deliver_new(stripe_fake, seen)
    assert kinds == ["invoice.created", "invoice.payment_failed", "customer.subscription.updated"]
    subscription = subscription_of(store_a)
    assert subscription.status == Subscription.Status.PAST_DUE and subscription.past_due_since is not None
    assert tenant_of(store_a).status == Tenant.Status.PAST_DUE
    assert client_a.get("/api/v1/catalog/products/").status_code == 200  # grace period: the store still sells

    assert billing_dunning(now=timezone.now() + timedelta(days=3))["suspended"] == 0
    with django_capture_on_commit_callbacks(execute=True):  # the cached host lookups are dropped on commit
        assert billing_dunning(now=timezone.now() + timedelta(days=8))["suspended"] == 1
    tenant = tenant_of(store_a)
    assert (tenant.status, tenant.suspended_by) == (Tenant.Status.SUSPENDED, "billing")
    assert client_a.get("/api/v1/catalog/products/").status_code == 503
    connection.set_schema_to_public()
    with pytest.raises(IllegalTransition):  # an operator cannot lift what only payment lifts
        tenant_resume(tenant=tenant)
    # The console stays open to pay, but read-only elsewhere.
    console_login(client_a, store_a.owner_login)
    assert client_a.get("/console/billing/").status_code == 200
    refused = client_a.post("/console/orders/", {})
    assert refused.status_code == 403 and "欠费" in refused.content.decode()

    stripe_fake.card_update(subscription.stripe_customer_id, "ok")  # a new card pays the open invoice
    with django_capture_on_commit_callbacks(execute=True):
        kinds = deliver_new(stripe_fake, seen)
    assert kinds == ["invoice.paid", "customer.subscription.updated"]
    tenant = tenant_of(store_a)
    assert (tenant.status, tenant.suspended_by, tenant.suspension_reason) == (Tenant.Status.ACTIVE, "", "")
    assert subscription_of(store_a).past_due_since is None
    assert client_a.get("/api/v1/catalog/products/").status_code == 200


def test_an_operator_suspension_outlives_payment(store_a, stripe_fake, stripe_plans):
    seen = subscribe(store_a, stripe_fake)
    tenant_suspend(tenant=tenant_of(store_a), reason="违规商品")
    stripe_fake.advance(subscription_of(store_a).stripe_subscription_id)
    deliver_new(stripe_fake, seen)
    tenant = tenant_of(store_a)
    assert (tenant.status, tenant.suspended_by, tenant.status_before_suspension) == ("suspended", "operator", "active")
    assert tenant_resume(tenant=tenant).status == Tenant.Status.ACTIVE


def test_an_unpaid_trial_falls_past_due_then_is_suspended(store_a):
    ended = timezone.now() - timedelta(days=1)
    with schema_context("public"):
        Subscription.objects.filter(tenant_id=store_a.tenant.pk).update(trial_ends_at=ended)
    assert billing_dunning()["trials_expired"] == 1
    assert (subscription_of(store_a).status, tenant_of(store_a).status) == ("past_due", "past_due")
    assert billing_dunning(now=ended + timedelta(days=7, minutes=1))["suspended"] == 1
    assert tenant_of(store_a).status == Tenant.Status.SUSPENDED


def test_cancellation_at_period_end_closes_the_store_and_keeps_its_data(store_a, stripe_fake, stripe_plans, client_a,
                                                                        django_capture_on_commit_callbacks):
    seen = subscribe(store_a, stripe_fake)
    subscription = subscription_of(store_a)
    stripe_fake.portal_cancel(subscription.stripe_customer_id)
    deliver_new(stripe_fake, seen)
    subscription = subscription_of(store_a)
    assert subscription.cancel_at_period_end and tenant_of(store_a).status == Tenant.Status.TRIALING
    stripe_fake.advance(subscription.stripe_subscription_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_new(stripe_fake, seen) == ["customer.subscription.deleted"]
    tenant = tenant_of(store_a)
    assert tenant.status == Tenant.Status.CLOSED and tenant.closed_at is not None
    assert client_a.get("/api/v1/catalog/products/").status_code == 410
    console_login(client_a, store_a.owner_login)
    kept_until = timezone.localtime(tenant.data_kept_until).strftime("%Y-%m-%d")
    assert f"数据保留至 {kept_until}" in client_a.get("/console/").content.decode()
    connection.set_schema_to_public()
    with schema_context(store_a.schema):
        from tenants.staff.models import StaffMember

        assert StaffMember.objects.exists()  # the data stays for the retention period
    # A closed store may subscribe again: a new subscription replaces the ended one.
    subscribe(store_a, stripe_fake, plan_code="basic")
    subscription = subscription_of(store_a)
    assert subscription.plan.code == "basic" and subscription.status == "active"
    assert tenant_of(store_a).status == Tenant.Status.ACTIVE


def end_trial_soon(store) -> None:
    with schema_context("public"):
        Subscription.objects.filter(tenant_id=store.tenant.pk).update(
            trial_ends_at=timezone.now() + timedelta(hours=20))


def test_upgrade_now_downgrade_at_period_end(store_a, stripe_fake, stripe_plans):
    end_trial_soon(store_a)
    seen = subscribe(store_a, stripe_fake, plan_code="basic")
    subscription = subscription_of(store_a)
    assert subscription.status == "active" and subscription.plan.code == "basic"

    plan_change(tenant=store_a.tenant, plan_code="pro", interval="month")
    kinds = deliver_new(stripe_fake, seen)
    assert "invoice.paid" in kinds  # the difference for the rest of the period, charged now
    subscription = subscription_of(store_a)
    assert subscription.plan.code == "pro" and subscription.next_plan is None
    prorated = [o for o in stripe_fake.objects.values() if o["object"] == "invoice"
                and o["billing_reason"] == "subscription_update"]
    assert len(prorated) == 1 and 0 < prorated[0]["amount_due"] <= 29900 - 9900

    plan_change(tenant=store_a.tenant, plan_code="basic", interval="month")
    deliver_new(stripe_fake, seen)
    subscription = subscription_of(store_a)
    assert (subscription.plan.code, subscription.next_plan.code) == ("pro", "basic")
    assert subscription.next_plan_at == subscription.current_period_end
    stripe_fake.advance(subscription.stripe_subscription_id)  # renewal at the lower price
    deliver_new(stripe_fake, seen)
    subscription = subscription_of(store_a)
    assert (subscription.plan.code, subscription.next_plan) == ("basic", None)
    renewal = max((o for o in stripe_fake.objects.values() if o["object"] == "invoice"), key=lambda o: o["created"])
    assert renewal["amount_due"] == 9900


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_every_write_to_stripe_carries_our_deterministic_key(store_a, stripe_fake, stripe_plans):
    seen = subscribe(store_a, stripe_fake, plan_code="pro")
    portal_url(tenant=store_a.tenant, return_url=CANCEL)
    stripe_fake.advance(subscription_of(store_a).stripe_subscription_id)
    deliver_new(stripe_fake, seen)
    plan_change(tenant=store_a.tenant, plan_code="flagship", interval="month")
    assert stripe_fake.writes, "no writes recorded"
    # The SDK would put a random uuid4 on any POST we sent without a key of our own.
    assert [(path, key) for path, key in stripe_fake.writes if key is None or UUID.fullmatch(key)] == []


def test_a_retry_after_a_rollback_reuses_the_customer_and_the_session(store_a, stripe_fake, stripe_plans):
    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():  # the worker dies after Stripe answered
        first = checkout_start(tenant=store_a.tenant, plan_code="pro", interval="month", success_url=SUCCESS,
                               cancel_url=CANCEL)
        raise Crash
    assert subscription_of(store_a).stripe_customer_id == ""  # our write was rolled back...
    again = checkout_start(tenant=store_a.tenant, plan_code="pro", interval="month", success_url=SUCCESS,
                           cancel_url=CANCEL)
    assert again == first  # ...and the retry got Stripe's first answers back
    assert len([o for o in stripe_fake.objects.values() if o["object"] == "customer"]) == 1
    assert subscription_of(store_a).stripe_customer_id.startswith("cus_")
