"""After-sales: refund only, return and refund, exchange. request -> merchant approve/reject ->
(return shipment -> received) -> refund. Refund amounts are exact shares of what each line was paid:
the last units of a line get whatever of it is left, so partial refunds sum to the line exactly."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import IllegalTransition, ValidationFailed
from core.events import publish
from core.ids import sortable_number
from core.images import images_store
from tenants.catalog.models import StockMovement
from tenants.catalog.stock import stock_release, stock_reserve

from .error_codes import OrdersCode
from .events import RefundRequested
from .models import CARRIERS, AfterSale, AfterSaleLine, Order, OrderEvent, OrderLine
from .selectors import order_settings_get
from .transitions import AFTER_SALE


def refund_share_fen(*, line: OrderLine, quantity: int, already_requested_quantity: int = 0) -> int:
    """What ``quantity`` more units of the line are worth back: their share of the line's paid amount,
    and everything that is left when they are the line's last units."""
    used = line.refunded_quantity + already_requested_quantity
    if used + quantity >= line.quantity:
        committed = line.refunded_fen + (line.paid_fen * already_requested_quantity // line.quantity)
        return line.paid_fen - committed
    return line.paid_fen * quantity // line.quantity


MAX_PHOTOS = 9
# What a shopper may ask for in each order status: a refund before the parcel arrives, a return or exchange
# once it has been sent.
KINDS_BY_STATUS = {AfterSale.Kind.REFUND_ONLY: (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.RECEIVED),
                   AfterSale.Kind.RETURN_REFUND: (Order.Status.SHIPPED, Order.Status.RECEIVED),
                   AfterSale.Kind.EXCHANGE: (Order.Status.SHIPPED, Order.Status.RECEIVED)}


def _open_quantities(order: Order) -> dict[int, int]:
    rows = (AfterSaleLine.objects.filter(after_sale__order=order, after_sale__status__in=AfterSale.OPEN_STATUSES)
            .values("order_line_id").annotate(total=Sum("quantity")))
    return {row["order_line_id"]: row["total"] for row in rows}


def _expired(order: Order, now: datetime) -> bool:
    received = order.received_at
    return received is not None and now > received + timedelta(days=order_settings_get().after_sale_days)


def after_sale_options(*, order: Order, now: datetime | None = None) -> tuple[list[str], dict[int, int]]:
    """What the shopper may ask for on this order now: the kinds (none outside the store's window) and, per
    line, how many units are not yet refunded or in an open request."""
    if _expired(order, now or timezone.now()):
        return [], {}
    kinds = [str(kind) for kind, statuses in KINDS_BY_STATUS.items() if order.status in statuses]
    open_quantities = _open_quantities(order)
    left = {line.pk: line.quantity - line.refunded_quantity - open_quantities.get(line.pk, 0)
            for line in order.lines.all()}
    return (kinds, {line_id: n for line_id, n in left.items() if n > 0}) if kinds else ([], {})


@transaction.atomic
def after_sale_request(*, order: Order, kind: str, lines: dict[int, int], reason: str, actor: str,
                       description: str = "", photos: list[str] | None = None,
                       now: datetime | None = None, by_merchant: bool = False) -> AfterSale:
    """A shopper's request, inside the store's after-sale window. The merchant (``by_merchant``) may refund
    at any time after payment, completed orders included: the window limits shoppers, not the merchant."""
    now = now or timezone.now()
    order = Order.objects.select_for_update().get(pk=order.pk)
    rules = order_settings_get()
    if kind not in KINDS_BY_STATUS:
        raise ValidationFailed(_("请选择售后类型。"), fields={"kind": [_("请选择售后类型。")]})
    allowed_now = KINDS_BY_STATUS[AfterSale.Kind(kind)] + ((Order.Status.COMPLETED,) if by_merchant else ())
    if order.status not in allowed_now:
        raise IllegalTransition(_("订单状态为“%(status)s”，不能申请该售后。") % {"status": order.get_status_display()})
    if not by_merchant and _expired(order, now):
        raise IllegalTransition(_("已超过售后期限。"), code=OrdersCode.AFTER_SALE_EXPIRED)
    if not reason.strip():
        raise ValidationFailed(_("请填写售后原因。"), fields={"reason": [_("请填写售后原因。")]})
    order_lines = {line.pk: line for line in order.lines.all()}
    open_quantities = _open_quantities(order)
    if not lines:
        raise ValidationFailed(_("请选择商品。"), fields={"lines": [_("请选择商品。")]})
    for line_id, quantity in lines.items():
        line = order_lines.get(line_id)
        available = (line.quantity - line.refunded_quantity - open_quantities.get(line_id, 0)) if line else 0
        if line is None or not 1 <= quantity <= available:
            raise ValidationFailed(_("售后数量超出可申请数量。"), fields={"lines": [str(line_id)]})
    after_sale = AfterSale.objects.create(
        order=order, number=f"AS{sortable_number(now, random_digits=6)}", kind=kind, reason=reason.strip()[:200],
        description=description[:500], photos=(photos or [])[:MAX_PHOTOS],
        review_deadline_at=now + timedelta(days=rules.merchant_review_days),
    )
    for line_id, quantity in sorted(lines.items()):
        line = order_lines[line_id]
        amount = 0 if kind == AfterSale.Kind.EXCHANGE else refund_share_fen(
            line=line, quantity=quantity, already_requested_quantity=open_quantities.get(line_id, 0))
        AfterSaleLine.objects.create(after_sale=after_sale, order_line=line, quantity=quantity, refund_fen=amount)
    after_sale.refund_fen = sum(al.refund_fen for al in after_sale.lines.all())
    after_sale.save(update_fields=["refund_fen"])
    OrderEvent.objects.create(order=order, kind="after_sale_requested", actor=actor, to_status=order.status,
                              note=reason[:300], data={"after_sale": after_sale.number, "kind": kind})
    return after_sale


def _locked(after_sale: AfterSale) -> AfterSale:
    return AfterSale.objects.select_for_update().select_related("order").get(pk=after_sale.pk)


def _guard(after_sale: AfterSale, action: str) -> None:
    AFTER_SALE.check(action, after_sale.status, status_label=after_sale.get_status_display())


def _request_refund(after_sale: AfterSale, actor: str) -> None:
    after_sale.status = AfterSale.Status.REFUNDING
    after_sale.save(update_fields=["status"])
    lines = {al.order_line_id: (al.quantity, al.refund_fen) for al in after_sale.lines.all()}
    OrderEvent.objects.create(order=after_sale.order, kind="refund_requested", actor=actor,
                              to_status=after_sale.order.status,
                              data={"after_sale": after_sale.number, "amount_fen": after_sale.refund_fen})
    publish(RefundRequested(order_id=after_sale.order_id, after_sale_id=after_sale.pk,
                            amount_fen=after_sale.refund_fen, lines=lines))


@transaction.atomic
def after_sale_approve(*, after_sale: AfterSale, actor: str, now: datetime | None = None) -> AfterSale:
    after_sale = _locked(after_sale)
    _guard(after_sale, "approve")
    if after_sale.kind == AfterSale.Kind.REFUND_ONLY:
        _request_refund(after_sale, actor)
    else:
        after_sale.status = AfterSale.Status.AWAITING_RETURN
        after_sale.return_deadline_at = (now or timezone.now()) + timedelta(days=order_settings_get().return_days)
        after_sale.save(update_fields=["status", "return_deadline_at"])
    return after_sale


@transaction.atomic
def after_sale_reject(*, after_sale: AfterSale, reason: str, actor: str, now: datetime | None = None) -> AfterSale:
    if not reason.strip():
        raise ValidationFailed(_("请填写拒绝原因。"), fields={"reason": [_("请填写拒绝原因。")]})
    after_sale = _locked(after_sale)
    _guard(after_sale, "reject")
    after_sale.status, after_sale.reject_reason = AfterSale.Status.REJECTED, reason.strip()[:200]
    after_sale.resolved_at = now or timezone.now()
    after_sale.save(update_fields=["status", "reject_reason", "resolved_at"])
    return after_sale


@transaction.atomic
def after_sale_return_ship(*, after_sale: AfterSale, carrier_code: str, tracking_no: str,
                           now: datetime | None = None) -> AfterSale:
    after_sale = _locked(after_sale)
    _guard(after_sale, "return_ship")
    if not carrier_code.strip() or not tracking_no.strip():
        raise ValidationFailed(_("请填写退货物流。"), fields={"tracking_no": [_("请填写快递公司和单号。")]})
    after_sale.status = AfterSale.Status.RETURN_SHIPPED
    after_sale.return_carrier_code, after_sale.return_tracking_no = carrier_code.strip(), tracking_no.strip()
    after_sale.return_receive_deadline_at = (now or timezone.now()) + timedelta(
        days=order_settings_get().return_receive_days)
    after_sale.save(update_fields=["status", "return_carrier_code", "return_tracking_no",
                                   "return_receive_deadline_at"])
    return after_sale


@transaction.atomic
def after_sale_return_received(*, after_sale: AfterSale, actor: str, now: datetime | None = None) -> AfterSale:
    """The returned goods arrived: back into stock; a return-and-refund goes on to the refund, an exchange
    waits for the replacement to be shipped."""
    after_sale = _locked(after_sale)
    _guard(after_sale, "return_received")
    for al in after_sale.lines.select_related("order_line"):
        stock_release(sku_id=al.order_line.sku_id, quantity=al.quantity, reference=after_sale.number, actor=actor,
                      reason=StockMovement.Reason.RETURN)
    if after_sale.kind == AfterSale.Kind.RETURN_REFUND:
        _request_refund(after_sale, actor)
    else:
        after_sale.status = AfterSale.Status.AWAITING_EXCHANGE
        after_sale.save(update_fields=["status"])
    return after_sale


@transaction.atomic
def after_sale_exchange_ship(*, after_sale: AfterSale, carrier_code: str, tracking_no: str, actor: str,
                             now: datetime | None = None) -> AfterSale:
    """The merchant sends the replacement of an exchange: its stock is taken, the shopper sees its tracking."""
    after_sale = _locked(after_sale)
    _guard(after_sale, "exchange_ship")
    if carrier_code not in CARRIERS or not tracking_no.strip():
        message = _("请选择快递公司并填写单号。")
        raise ValidationFailed(message, fields={"tracking_no": [message]})
    for al in after_sale.lines.select_related("order_line"):
        stock_reserve(sku_id=al.order_line.sku_id, quantity=al.quantity, reference=after_sale.number, actor=actor)
    after_sale.status, after_sale.resolved_at = AfterSale.Status.EXCHANGE_SHIPPED, now or timezone.now()
    after_sale.exchange_carrier_code, after_sale.exchange_tracking_no = carrier_code, tracking_no.strip()[:40]
    after_sale.save(update_fields=["status", "resolved_at", "exchange_carrier_code", "exchange_tracking_no"])
    OrderEvent.objects.create(order=after_sale.order, kind="exchange_shipped", actor=actor,
                              to_status=after_sale.order.status,
                              data={"after_sale": after_sale.number, "carrier": carrier_code,
                                    "tracking_no": after_sale.exchange_tracking_no})
    return after_sale


@transaction.atomic
def after_sale_cancel(*, after_sale: AfterSale, actor: str, now: datetime | None = None, note: str = "") -> AfterSale:
    """The shopper withdraws a request before anything was sent back (or the return deadline closes it)."""
    after_sale = _locked(after_sale)
    _guard(after_sale, "cancel")
    after_sale.status, after_sale.resolved_at = AfterSale.Status.CANCELLED, now or timezone.now()
    after_sale.save(update_fields=["status", "resolved_at"])
    OrderEvent.objects.create(order=after_sale.order, kind="after_sale_cancelled", actor=actor, note=note[:300],
                              to_status=after_sale.order.status, data={"after_sale": after_sale.number})
    return after_sale


def after_sale_photos_store(*, uploads: list[UploadedFile], field: str = "photos") -> list[str]:
    """Keep a shopper's photos for an after-sale request (each checked to be an image, all before any is
    kept) in the store's own media; returns their URLs, which the request then lists."""
    return images_store(uploads, folder="aftersales", field=field)


@transaction.atomic
def merchant_refund(*, order: Order, lines: dict[int, int], reason: str, actor: str) -> AfterSale:
    """The merchant refunds units of a paid order on their own (out of stock, a goodwill gesture): recorded
    as an approved refund-only after-sale, so it takes the same exact refund and claw-back path."""
    after_sale = after_sale_request(order=order, kind=AfterSale.Kind.REFUND_ONLY, lines=lines, reason=reason,
                                    actor=actor, by_merchant=True)
    return after_sale_approve(after_sale=after_sale, actor=actor)


def after_sales_act_on_deadlines(*, now: datetime) -> dict:
    """What nobody acted on in time, settled by the store's worker so no request blocks an order's completion
    (and its commission's release) forever: a request the merchant did not review is approved; a return the
    shopper did not send closes the request; a return the merchant did not confirm counts as received."""
    done = {"approved": 0, "return_expired": 0, "return_received": 0}
    due = AfterSale.objects.order_by("pk")
    for after_sale in due.filter(status=AfterSale.Status.REQUESTED, review_deadline_at__lte=now)[:500]:
        after_sale_approve(after_sale=after_sale, actor="system", now=now)
        done["approved"] += 1
    for after_sale in due.filter(status=AfterSale.Status.AWAITING_RETURN, return_deadline_at__lte=now)[:500]:
        after_sale_cancel(after_sale=after_sale, actor="system", now=now,
                          note=_("买家未在期限内寄回商品，售后已关闭。"))
        done["return_expired"] += 1
    for after_sale in due.filter(status=AfterSale.Status.RETURN_SHIPPED, return_receive_deadline_at__lte=now)[:500]:
        after_sale_return_received(after_sale=after_sale, actor="system", now=now)
        done["return_received"] += 1
    return done
