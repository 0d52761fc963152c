"""Subscribing, changing plan and following Stripe: every write to Stripe carries a deterministic idempotency
key (a Celery retry or a double click never makes a second customer, session or change), and every state
change is read back from Stripe rather than taken from a webhook's payload."""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from control_plane.storefront_templates.models import StorefrontTemplate
from control_plane.tenancy.models import Tenant
from core.errors import Conflict, PlanLimitReached, ValidationFailed

from .gateway import stripe_client
from .limits import PlanLimits
from .models import Interval, Invoice, Plan, Subscription
from .usage import usage_over

logger = logging.getLogger(__name__)
_PLAN_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")

# Stripe refuses a Checkout trial that ends sooner than this; a shorter remaining trial is simply given up.
MIN_CHECKOUT_TRIAL = timedelta(hours=48)
LIVE = (Subscription.Status.TRIALING, Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE,
        Subscription.Status.UNPAID, Subscription.Status.INCOMPLETE, Subscription.Status.PAUSED)


def _ts(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None


def plan_get(*, code: str, for_sale: bool = True) -> Plan:
    plan = Plan.objects.filter(code=code, **({"is_active": True} if for_sale else {})).first()
    if plan is None:
        raise ValidationFailed(_("请选择一个套餐。"), fields={"plan": [_("请选择一个套餐。")]})
    return plan


@transaction.atomic
def trial_start(*, tenant_id: int, plan_code: str = "") -> Subscription:
    """A new store's trial on ``plan_code`` (the platform's trial plan by default), entirely local: the
    merchant meets Stripe only when subscribing."""
    with schema_context("public"):
        plan = plan_get(code=plan_code or settings.BILLING_TRIAL_PLAN, for_sale=False)
        tenant = Tenant.objects.select_for_update().get(pk=tenant_id)
        subscription = Subscription.objects.create(
            tenant=tenant, plan=plan, status=Subscription.Status.TRIALING,
            trial_ends_at=timezone.now() + timedelta(days=plan.trial_days))
        tenant.plan_code = plan.code
        tenant.save(update_fields=["plan_code", "updated_at"])
        return subscription


def _locked(tenant: Tenant) -> Subscription:
    subscription = Subscription.objects.select_for_update().select_related("plan", "tenant").filter(
        tenant_id=tenant.pk).first()
    if subscription is None:
        raise Conflict(_("这个店铺没有订阅记录。"))
    return subscription


def customer_ensure(*, subscription: Subscription) -> str:
    """The store's Stripe customer, created once: the key is the tenant, so a retry gets the same customer."""
    if subscription.stripe_customer_id:
        return subscription.stripe_customer_id
    tenant = subscription.tenant
    customer = stripe_client().v1.customers.create(
        params={"name": tenant.name, "email": tenant.owner_login if "@" in tenant.owner_login else None,
                "metadata": {"tenant_id": str(tenant.pk), "slug": tenant.slug}},
        options={"idempotency_key": f"customer-tenant-{tenant.pk}"})
    subscription.stripe_customer_id = customer.id
    subscription.save(update_fields=["stripe_customer_id", "updated_at"])
    return customer.id


def _refuse_if_over(tenant: Tenant, plan: Plan) -> None:
    problems = usage_over(tenant=tenant, limits=PlanLimits.of(plan))
    if problems:
        message = _("店铺当前的使用量超出「%(plan)s」的限制：%(problems)s。请先减少使用量再更换套餐。") % {
            "plan": plan.name, "problems": "；".join(problems)}
        raise PlanLimitReached(message, fields={"plan": [message]})


@transaction.atomic
def checkout_start(*, tenant: Tenant, plan_code: str, interval: str, success_url: str, cancel_url: str) -> str:
    """The URL of a Stripe Checkout page that subscribes the store to ``plan_code``. A trial still running
    (48 hours or more) carries over, so subscribing early never costs trial days."""
    if interval not in Interval.values:
        raise ValidationFailed(_("请选择按月或按年付费。"), fields={"interval": [_("请选择按月或按年付费。")]})
    with schema_context("public"):
        plan = plan_get(code=plan_code)
        subscription = _locked(tenant)
        if subscription.stripe_subscription_id and subscription.status in LIVE:
            raise Conflict(_("店铺已有订阅，请直接更换套餐。"))
        if not plan.stripe_price_id(interval):
            raise Conflict(_("套餐「%(plan)s」尚未同步到支付平台，请联系平台。") % {"plan": plan.name})
        _refuse_if_over(tenant, plan)
        customer_id = customer_ensure(subscription=subscription)
        subscription_data: dict = {"metadata": {"tenant_id": str(tenant.pk)}}
        now = timezone.now()
        trial_end = subscription.trial_ends_at
        if subscription.status == Subscription.Status.TRIALING and trial_end and trial_end - now >= MIN_CHECKOUT_TRIAL:
            subscription_data["trial_end"] = int(trial_end.timestamp())
        # One session per store, plan and interval within the hour: a double click opens the same page.
        key = f"checkout-{tenant.pk}-{plan.code}-{interval}-{now:%Y%m%d%H}"
        session = stripe_client().v1.checkout.sessions.create(params={
            "mode": "subscription", "customer": customer_id, "client_reference_id": str(tenant.pk),
            "line_items": [{"price": plan.stripe_price_id(interval), "quantity": 1}],
            "subscription_data": subscription_data, "success_url": success_url, "cancel_url": cancel_url,
        }, options={"idempotency_key": key})
        return session.url


def portal_url(*, tenant: Tenant, return_url: str) -> str:
    """A Stripe customer portal session: cards, invoices, cancellation."""
    with schema_context("public"):
        subscription = Subscription.objects.get(tenant_id=tenant.pk)
    if not subscription.stripe_customer_id:
        raise Conflict(_("订阅后才能管理付款方式和发票。"))
    # Within the minute a repeated click gets the same session.
    session = stripe_client().v1.billing_portal.sessions.create(
        params={"customer": subscription.stripe_customer_id, "return_url": return_url},
        options={"idempotency_key": f"portal-{tenant.pk}-{timezone.now():%Y%m%d%H%M}"})
    return session.url


def _rank(plan: Plan, interval: str) -> tuple[int, int]:
    return plan.monthly_price_minor, 1 if interval == Interval.YEAR else 0


@transaction.atomic
def plan_change(*, tenant: Tenant, plan_code: str, interval: str) -> Subscription:
    """Move a subscribed store to another plan or interval. An upgrade applies at once and is charged pro rata
    now; a downgrade is priced from the next renewal and its limits apply then. Refused when the store uses
    more than the new plan allows."""
    if interval not in Interval.values:
        raise ValidationFailed(_("请选择按月或按年付费。"), fields={"interval": [_("请选择按月或按年付费。")]})
    with schema_context("public"):
        plan = plan_get(code=plan_code)
        subscription = _locked(tenant)
        if not subscription.stripe_subscription_id or subscription.status not in LIVE:
            raise Conflict(_("店铺还没有有效订阅，请先订阅。"))
        if (plan.pk, interval) == (subscription.plan_id, subscription.interval) and not subscription.next_plan_id:
            raise Conflict(_("店铺已在这个套餐上。"))
        _refuse_if_over(tenant, plan)
        upgrade = _rank(plan, interval) > _rank(subscription.plan, subscription.interval)
        subscription.change_seq += 1
        remote = stripe_client().v1.subscriptions.update(subscription.stripe_subscription_id, params={
            "items": [{"id": subscription.stripe_item_id, "price": plan.stripe_price_id(interval)}],
            "proration_behavior": "always_invoice" if upgrade else "none",
            "cancel_at_period_end": False,
        }, options={"idempotency_key": f"subscription-{subscription.pk}-change-{subscription.change_seq}"}).to_dict()
        if upgrade or (plan.pk, interval) == (subscription.plan_id, subscription.interval):
            subscription.next_plan, subscription.next_interval, subscription.next_plan_at = None, "", None
        else:
            subscription.next_plan, subscription.next_interval = plan, interval
            subscription.next_plan_at = subscription.current_period_end
        subscription.save(update_fields=["change_seq", "next_plan", "next_interval", "next_plan_at", "updated_at"])
        return _apply_remote(subscription, remote)


def _plan_of(price: dict) -> tuple[Plan | None, str]:
    """Our plan and interval for a Stripe price: by its metadata (set by the sync), else by its id."""
    code = (price.get("metadata") or {}).get("plan_code")
    interval = price["recurring"]["interval"]
    plan = Plan.objects.filter(code=code).first() if code else None
    if plan is None:
        plan = Plan.objects.filter(stripe_monthly_price_id=price["id"]).first() \
            or Plan.objects.filter(stripe_yearly_price_id=price["id"]).first()
    return plan, interval


def _apply_remote(subscription: Subscription, remote: dict) -> Subscription:
    """Copy Stripe's subscription onto ours (the row is locked by the caller), then the store's status."""
    item = remote["items"]["data"][0]
    plan, interval = _plan_of(item["price"])
    if plan is None:
        logger.error("stripe price %s matches no plan (subscription %s)", item["price"]["id"], remote["id"])
        plan, interval = subscription.plan, subscription.interval
    period_start = _ts(item.get("current_period_start"))
    pending = subscription.next_plan_id == plan.pk and subscription.next_interval == interval
    if pending and subscription.next_plan_at and period_start and period_start < subscription.next_plan_at:
        pass  # a downgrade waiting for the period's end: the store keeps what it paid for until then
    else:
        subscription.plan, subscription.interval = plan, interval
        subscription.next_plan, subscription.next_interval, subscription.next_plan_at = None, "", None
    subscription.status = remote["status"]
    subscription.stripe_subscription_id = remote["id"]
    subscription.stripe_customer_id = remote["customer"]
    subscription.stripe_item_id = item["id"]
    subscription.current_period_end = _ts(item.get("current_period_end"))
    subscription.trial_ends_at = _ts(remote.get("trial_end"))
    subscription.cancel_at_period_end = bool(remote.get("cancel_at_period_end"))
    subscription.canceled_at = _ts(remote.get("canceled_at") or remote.get("ended_at"))
    unpaid = (Subscription.Status.PAST_DUE, Subscription.Status.UNPAID, Subscription.Status.INCOMPLETE)
    # The first time payment stopped counts, however many events repeat it; paying clears it.
    subscription.past_due_since = (subscription.past_due_since or timezone.now()) \
        if subscription.status in unpaid else None
    subscription.save()
    tenant_status_apply(subscription=subscription)
    return subscription


def subscription_refresh(*, tenant_id: int, stripe_subscription_id: str) -> Subscription | None:
    """Re-read one of the store's Stripe subscriptions and follow it. An older subscription that ended after
    the store took a new one is ignored, whatever order Stripe's events arrive in. Call inside a transaction."""
    with schema_context("public"):
        subscription = Subscription.objects.select_for_update().select_related("plan", "tenant").filter(
            tenant_id=tenant_id).first()
        if subscription is None:
            return None
        remote = stripe_client().v1.subscriptions.retrieve(stripe_subscription_id).to_dict()
        current = subscription.stripe_subscription_id
        if current and current != remote["id"]:
            if remote["status"] not in LIVE:
                return subscription  # an old subscription's end: the store has moved on
            if subscription.status in LIVE:
                logger.warning("tenant %s has two live stripe subscriptions: %s and %s", tenant_id, current,
                               remote["id"])
        return _apply_remote(subscription, remote)


def invoice_refresh(*, tenant_id: int, stripe_invoice_id: str) -> Invoice:
    """Re-read a Stripe invoice into the store's invoice list. Call inside a transaction."""
    with schema_context("public"):
        remote = stripe_client().v1.invoices.retrieve(stripe_invoice_id).to_dict()
        invoice, _created = Invoice.objects.update_or_create(stripe_id=remote["id"], defaults={
            "tenant_id": tenant_id, "number": remote.get("number") or "", "status": remote["status"],
            "billing_reason": remote.get("billing_reason") or "", "currency": remote["currency"],
            "amount_due_minor": remote["amount_due"], "amount_paid_minor": remote["amount_paid"],
            "period_start": _ts(remote.get("period_start")), "period_end": _ts(remote.get("period_end")),
            "hosted_url": remote.get("hosted_invoice_url") or "", "attempt_count": remote.get("attempt_count") or 0,
            "created_at": _ts(remote["created"])})
        return invoice


def tenant_status_apply(*, subscription: Subscription, now: datetime | None = None) -> Tenant:
    """The store's status as its subscription says: trialing, active, past due (grace period), suspended
    after ``BILLING_GRACE_DAYS`` unpaid, closed when the subscription ended. A suspension by an operator is
    left alone; billing lifts only its own. Call with the subscription row locked."""
    now = now or timezone.now()
    status = Tenant.Status
    with schema_context("public"):
        tenant = Tenant.objects.select_for_update().get(pk=subscription.tenant_id)
        if subscription.status == Subscription.Status.TRIALING:
            wanted = status.TRIALING
        elif subscription.status == Subscription.Status.ACTIVE:
            wanted = status.ACTIVE
        elif subscription.status in (Subscription.Status.CANCELED, Subscription.Status.INCOMPLETE_EXPIRED):
            wanted = status.CLOSED
        else:
            since = subscription.past_due_since or now
            wanted = status.SUSPENDED if now - since >= timedelta(days=settings.BILLING_GRACE_DAYS) \
                else status.PAST_DUE
        fields = {"plan_code": subscription.plan.code}
        if tenant.suspended_by == "operator":
            fields["status_before_suspension"] = wanted if wanted != status.SUSPENDED else status.PAST_DUE
        elif wanted == status.SUSPENDED:
            fields.update(status=wanted, suspended_by="billing", status_before_suspension=status.PAST_DUE,
                          suspension_reason=_("订阅欠费超过 %(days)s 天") % {"days": settings.BILLING_GRACE_DAYS})
        else:
            fields.update(status=wanted, suspended_by="", status_before_suspension="", suspension_reason="")
            fields["closed_at"] = (tenant.closed_at or now) if wanted == status.CLOSED else None
        changed = [name for name, value in fields.items() if getattr(tenant, name) != value]
        for name in changed:
            setattr(tenant, name, fields[name])
        if changed:
            tenant.save(update_fields=[*changed, "updated_at"])
            if "status" in changed:
                logger.info("store %s is now %s (subscription %s)", tenant.slug, tenant.status, subscription.status)
        return tenant


def billing_dunning(*, now: datetime | None = None) -> dict[str, int]:
    """The daily pass over every store (run by beat): trials that ended without a subscription fall past
    due, past-due stores past the grace period are suspended, due downgrades apply. Returns counts."""
    now = now or timezone.now()
    counts = {"trials_expired": 0, "suspended": 0, "downgraded": 0}
    with schema_context("public"):
        ids = list(Subscription.objects.filter(
            tenant__status__in=[Tenant.Status.TRIALING, Tenant.Status.PAST_DUE, Tenant.Status.ACTIVE,
                                Tenant.Status.SUSPENDED]).values_list("pk", flat=True))
        for pk in ids:
            with transaction.atomic():
                subscription = Subscription.objects.select_for_update().select_related("plan").get(pk=pk)
                if (subscription.status == Subscription.Status.TRIALING and not subscription.stripe_subscription_id
                        and subscription.trial_ends_at and subscription.trial_ends_at <= now):
                    subscription.status = Subscription.Status.PAST_DUE
                    subscription.past_due_since = subscription.trial_ends_at
                    subscription.save(update_fields=["status", "past_due_since", "updated_at"])
                    counts["trials_expired"] += 1
                if subscription.next_plan_id and subscription.next_plan_at and subscription.next_plan_at <= now:
                    subscription.plan_id, subscription.interval = subscription.next_plan_id, subscription.next_interval
                    subscription.next_plan, subscription.next_interval, subscription.next_plan_at = None, "", None
                    subscription.save()
                    subscription.refresh_from_db()
                    counts["downgraded"] += 1
                before = subscription.tenant.status
                tenant = tenant_status_apply(subscription=subscription, now=now)
                if tenant.status == Tenant.Status.SUSPENDED and before != Tenant.Status.SUSPENDED:
                    counts["suspended"] += 1
    return counts


PLAN_LIMIT_FIELDS = ("max_products", "max_distributors", "max_staff", "max_orders_per_month")


PLAN_RANGES = {"trial_days": 90, "sort_order": 1000, **dict.fromkeys(PLAN_LIMIT_FIELDS, 10**9)}


@dataclass(frozen=True)
class PlanInput:
    """A plan as an operator sets it: prices in minor units (fen), a limit of None is unlimited."""

    name: str
    description: str
    monthly_price_minor: int
    yearly_price_minor: int
    trial_days: int
    sort_order: int
    max_products: int | None
    max_distributors: int | None
    max_staff: int | None
    max_orders_per_month: int | None
    templates: tuple[str, ...]
    custom_domain: bool
    simulator: bool
    is_active: bool


@transaction.atomic
def plan_save(*, code: str, values: PlanInput, create: bool = False) -> Plan:
    """Create or edit a plan. Stores already on the plan get the new limits at once; Stripe follows through
    ``plan_sync``."""
    fields: dict[str, list[str]] = {}
    code = code.strip().lower()
    with schema_context("public"):
        plan = None if create else Plan.objects.select_for_update().filter(code=code).first()
        if not create and plan is None:
            raise ValidationFailed(_("没有这个套餐。"), fields={"code": [_("没有这个套餐。")]})
        if create and (not _PLAN_CODE.fullmatch(code) or Plan.objects.filter(code=code).exists()):
            fields["code"] = [_("代码须为 2–40 位小写字母、数字或连字符，且未被使用。")]
        if not values.name.strip() or len(values.name.strip()) > 60:
            fields["name"] = [_("请填写套餐名称（60 字以内）。")]
        for name in ("monthly_price_minor", "yearly_price_minor"):
            if getattr(values, name) < 0:
                fields[name] = [_("请填写金额（元），最多两位小数。")]
        for name, top in PLAN_RANGES.items():
            value = getattr(values, name)
            if not (value is None and name in PLAN_LIMIT_FIELDS) and not (value is not None and 0 <= value <= top):
                fields[name] = [_("请填写 0 到 %(top)s 之间的整数。") % {"top": top}]
        if set(values.templates) - set(StorefrontTemplate.objects.values_list("code", flat=True)):
            fields["templates"] = [_("有不存在的模板。")]
        if fields:
            raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
        stored = {**asdict(values), "name": values.name.strip(), "description": values.description.strip()[:200],
                  "templates": sorted(set(values.templates))}
        if plan is None:
            return Plan.objects.create(code=code, **stored)
        for name, value in stored.items():
            setattr(plan, name, value)
        plan.save()
        return plan
