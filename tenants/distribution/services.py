"""Commission accrual on payment and claw-back on refund. Every money movement is a ledger journal."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.locks import advisory_xact_lock
from tenants.ledger.models import Account, Journal
from tenants.ledger.services import Line, account_for, journal_post
from tenants.orders.models import Order, OrderLine

from .calculations import Beneficiary, LineInput, clawback_target_fen, compute_commissions
from .models import Commission, DistributionSettings, Distributor, DueCommission, FraudFlag
from .selectors import binding_open_for, distribution_settings_get, rule_set_current, rules_for, upline_chain

K = Account.Kind


def _chain_start(*, order: Order, settings: DistributionSettings, now: datetime) -> Distributor | None:
    """Who is level 1 for this buyer: the buyer themself (self-purchase commission on), the buyer's own
    upline (a distributor buying), or the distributor the buyer is bound to."""
    own = Distributor.objects.filter(member_id=order.member_id).first()
    if own is not None:
        if settings.self_purchase_commission:
            return own
        return Distributor.objects.filter(pk=own.parent_id).first() if own.parent_id else None
    binding = binding_open_for(member_id=order.member_id, now=now)
    return binding.distributor if binding else None


def _is_first_order(order: Order) -> bool:
    """Decided by the buyer's paid-order number, given once when the payment was applied (orders)."""
    return order.member_paid_seq == 1


def _counts_for_anti_abuse(*, order: Order, level1: Distributor) -> bool:
    """With the store's switch on, only the first paid order per device or payer earns commission for a
    distributor. The payer is already locked (the payment's member lock); the device is locked here, so two
    buyers on one phone paying at once cannot both be its first."""
    same_source = Q(member_id=order.member_id)
    if order.device_id:
        advisory_xact_lock(f"device-first-order:{order.device_id}")
        same_source |= Q(device_id=order.device_id)
    return not (Order.objects.filter(same_source, distributor_id=level1.pk).exclude(pk=order.pk).exists())


def _flag_suspicious(*, order: Order, level1: Distributor, settings: DistributionSettings) -> None:
    """Many orders from one device or one address to one distributor in a day: flag for review."""
    since = (order.paid_at or timezone.now()) - timedelta(days=1)
    recent = Order.objects.filter(distributor_id=level1.pk, paid_at__gte=since)
    checks = [("same_address", Q(address__detail=order.address.get("detail"),
                                 address__region_code=order.address.get("region_code")))]
    if order.device_id:
        checks.append(("same_device", Q(device_id=order.device_id)))
    for kind, condition in checks:
        count = recent.filter(condition).count()
        if count >= settings.fraud_orders_per_device_per_day and not FraudFlag.objects.filter(
                distributor=level1, kind=kind, status=FraudFlag.Status.OPEN).exists():
            FraudFlag.objects.create(distributor=level1, order_id=order.pk, kind=kind,
                                     detail=f"{count} orders in 24h to this distributor ({kind})")


@transaction.atomic
def commission_accrue_for_order(*, order_id: int, now: datetime | None = None) -> list[Commission]:
    """Compute and freeze the commissions of a paid order. Idempotent: a second call finds them."""
    now = now or timezone.now()
    order = Order.objects.select_for_update().get(pk=order_id)
    line_ids = list(OrderLine.objects.filter(order_id=order_id).values_list("pk", flat=True))
    existing = list(Commission.objects.filter(order_line_id__in=line_ids))
    if existing:
        return existing
    settings = distribution_settings_get()
    rule_set = rule_set_current()
    if not settings.enabled or rule_set is None or order.paid_at is None:
        return []
    start = _chain_start(order=order, settings=settings, now=now)
    if start is None:
        return []
    chain = upline_chain(start=start, levels=settings.levels)
    Order.objects.filter(pk=order.pk).update(distributor_id=chain[0].pk)
    order.distributor_id = chain[0].pk
    _flag_suspicious(order=order, level1=chain[0], settings=settings)
    if settings.first_order_per_device_only and not _counts_for_anti_abuse(order=order, level1=chain[0]):
        return []
    beneficiaries = [Beneficiary(distributor_id=d.pk, level=level, grade_id=d.grade_id)
                     for level, d in enumerate(chain, start=1) if d.status == Distributor.Status.ACTIVE]
    lines = [LineInput(line_id=ln.pk, position=ln.position, product_id=ln.product_id, sku_id=ln.sku_id,
                       quantity=ln.quantity, paid_fen=ln.paid_fen)
             for ln in OrderLine.objects.filter(order_id=order.pk).order_by("position")]
    drafts = compute_commissions(lines=lines, beneficiaries=beneficiaries, rules=rules_for(rule_set),
                                 is_first_order=_is_first_order(order), paid_at=order.paid_at)
    commissions = Commission.objects.bulk_create([
        Commission(order_id=order.pk, order_number=order.number, order_line_id=d.line_id, line_position=d.position,
                   distributor_id=d.distributor_id, level=d.level, base_fen=d.base_fen, quantity=d.quantity,
                   rate_bp=d.rate_bp, fixed_fen=d.fixed_fen, amount_fen=d.amount_fen, rule_version=d.rule_version,
                   rate_source=d.rate_source, is_first_order=d.is_first_order)
        for d in drafts
    ])
    DueCommission.objects.bulk_create([DueCommission(commission=c, order_id=order.pk) for c in commissions])
    expense = account_for(kind=K.STORE_COMMISSION_EXPENSE)
    for commission in commissions:
        frozen = account_for(kind=K.DISTRIBUTOR_FROZEN, owner_id=commission.distributor_id)
        account_for(kind=K.DISTRIBUTOR_AVAILABLE, owner_id=commission.distributor_id)  # settlement needs both
        journal_post(kind=Journal.Kind.ACCRUAL, idempotency_key=f"accrual:{commission.pk}", reference=order.number,
                     lines=[Line(frozen, commission.amount_fen), Line(expense, -commission.amount_fen)])
    return commissions


@transaction.atomic
def commission_clawback_for_refund(*, order_id: int) -> int:
    """Take back what the refunded part of each line earned — exactly, even after release (the balance
    may go negative and carries forward). Works from the lines' cumulative refunds, so running it again
    for the same refund changes nothing. Returns the fen clawed back now."""
    line_ids = list(OrderLine.objects.filter(order_id=order_id).values_list("pk", flat=True))
    commissions = list(Commission.objects.select_for_update().filter(order_line_id__in=line_ids).order_by("pk"))
    if not commissions:
        return 0
    lines = OrderLine.objects.in_bulk([c.order_line_id for c in commissions])
    expense = account_for(kind=K.STORE_COMMISSION_EXPENSE)
    total = 0
    for commission in commissions:
        line = lines[commission.order_line_id]
        target = clawback_target_fen(amount_fen=commission.amount_fen, line_paid_fen=line.paid_fen,
                                     line_refunded_fen=line.refunded_fen)
        delta = target - commission.clawed_back_fen
        if delta <= 0:
            continue
        source_kind = K.DISTRIBUTOR_FROZEN if commission.status == Commission.Status.FROZEN else K.DISTRIBUTOR_AVAILABLE
        source = account_for(kind=source_kind, owner_id=commission.distributor_id)
        journal_post(kind=Journal.Kind.CLAWBACK, idempotency_key=f"clawback:{commission.pk}:{target}",
                     reference=commission.order_number, lines=[Line(source, -delta), Line(expense, delta)])
        commission.clawed_back_fen = target
        if target == commission.amount_fen and commission.status == Commission.Status.FROZEN:
            commission.status = Commission.Status.REVERSED
            DueCommission.objects.filter(commission=commission).delete()
        commission.save(update_fields=["clawed_back_fen", "status"])
        total += delta
    return total
