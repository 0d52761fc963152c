"""Order writes: cart, checkout, creation and the state machine. Each transition is one service with a
guard (IllegalTransition names the current state) that records an OrderEvent."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.limits import plan_limit_check
from core.errors import Conflict, IllegalTransition, NotFound, ValidationFailed
from core.events import publish
from core.ids import sortable_number
from tenants.catalog.models import Product, Sku
from tenants.catalog.stock import InsufficientStock, stock_release, stock_reserve
from tenants.members.models import Address, Member

from .calculations import PriceContext, PriceLine, price
from .error_codes import OrdersCode
from .events import OrderCancelled, OrderPaid, OrderPlaced, OrderReceived, OrderRulesChanging
from .models import CartItem, Order, OrderEvent, OrderLine, OrderSettings
from .selectors import order_settings_get, orders_this_month_count
from .transitions import ORDER

MAX_LINES = 50
MAX_QUANTITY = 999


def _event(order: Order, kind: str, *, actor: str, from_status: str = "", note: str = "", **data) -> None:
    OrderEvent.objects.create(order=order, kind=kind, from_status=from_status, to_status=order.status, actor=actor,
                              note=note, data=data)


def order_event_record(*, order: Order, kind: str, actor: str, note: str = "", **data) -> None:
    """Put something that happened to the order, without changing its state, on its timeline (the console
    shows it), e.g. a payment that arrived too late and went back."""
    _event(order, kind, actor=actor, from_status=order.status, note=note[:300], **data)


def _member_actor(member: Member) -> str:
    return f"member:{member.pk}"


# --- cart ---------------------------------------------------------------------------------------------

def _sellable_sku(sku_id: int) -> Sku:
    sku = Sku.objects.select_related("product").filter(pk=sku_id).first()
    if sku is None or not sku.is_active or sku.product.status != Product.Status.ON_SALE:
        raise ValidationFailed(_("商品已下架或不存在。"), code=OrdersCode.NOT_SELLABLE,
                               fields={"sku_id": [_("商品已下架或不存在。")]})
    return sku


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationFailed(_("数量需在 1 到 %(max)s 之间。") % {"max": MAX_QUANTITY},
                               fields={"quantity": [_("数量需在 1 到 %(max)s 之间。") % {"max": MAX_QUANTITY}]})


@transaction.atomic
def cart_add(*, member: Member, sku_id: int, quantity: int) -> CartItem:
    """Add units of a SKU; adding it again adds to the same row. More units than are in stock are refused
    (stock is only taken when the order is placed: this spares the shopper a refusal at checkout)."""
    _check_quantity(quantity)
    sku = _sellable_sku(sku_id)
    item, created = CartItem.objects.select_for_update().get_or_create(member=member, sku_id=sku_id,
                                                                       defaults={"quantity": quantity})
    wanted = quantity if created else min(item.quantity + quantity, MAX_QUANTITY)
    if wanted > sku.stock:
        raise _short(sku.stock)
    if not created:
        item.quantity = wanted
        item.selected = True
        item.save(update_fields=["quantity", "selected"])
    return item


def _short(left: int) -> InsufficientStock:
    message = _("库存不足，仅剩 %(n)s 件。") % {"n": left} if left > 0 else _("这个规格已售罄。")
    return InsufficientStock(message, fields={"quantity": [message]})


@transaction.atomic
def cart_update(*, member: Member, item_id: int, quantity: int | None = None, selected: bool | None = None) -> CartItem:
    item = CartItem.objects.select_for_update().filter(member=member, pk=item_id).first()
    if item is None:
        raise NotFound(_("购物车中没有这件商品。"))
    if quantity is not None:
        _check_quantity(quantity)
        if quantity > item.quantity:
            stock = Sku.objects.values_list("stock", flat=True).get(pk=item.sku_id)
            if quantity > stock:
                raise _short(stock)
        item.quantity = quantity
    if selected is not None:
        item.selected = selected
    item.save(update_fields=["quantity", "selected"])
    return item


def cart_remove(*, member: Member, item_ids: list[int]) -> int:
    deleted, _ = CartItem.objects.filter(member=member, pk__in=item_ids).delete()
    return deleted


# --- checkout ------------------------------------------------------------------------------------------

def _address(member: Member, address_id: int) -> Address:
    address = Address.objects.filter(member=member, pk=address_id).first()
    if address is None:
        raise ValidationFailed(_("请选择收货地址。"), fields={"address_id": [_("收货地址不存在。")]})
    return address


def _requested_items(member: Member, items: list[dict] | None) -> list[tuple[int, int]]:
    """[(sku_id, quantity)] from the request, or from the member's selected cart items."""
    if items is None:
        pairs = list(CartItem.objects.filter(member=member, selected=True).values_list("sku_id", "quantity"))
        if not pairs:
            raise ValidationFailed(_("购物车里没有选中的商品。"), fields={"items": [_("请先选择商品。")]})
    else:
        pairs = []
        for item in items:
            try:
                pairs.append((int(item["sku_id"]), int(item["quantity"])))
            except (KeyError, TypeError, ValueError):
                raise ValidationFailed(_("商品信息不完整。"),
                                       fields={"items": [_("每件商品需要 sku_id 和 quantity。")]}) from None
    if not pairs or len(pairs) > MAX_LINES:
        raise ValidationFailed(_("一次最多购买 %(max)s 种商品。") % {"max": MAX_LINES},
                               fields={"items": [_("商品数量无效。")]})
    merged: dict[int, int] = {}
    for sku_id, quantity in pairs:
        merged[sku_id] = merged.get(sku_id, 0) + quantity
    for quantity in merged.values():
        _check_quantity(quantity)
    return sorted(merged.items())


def _price_context(member: Member, pairs: list[tuple[int, int]], address: Address,
                   coupon_ids: list[int] | None = None, flash_item_id: int | None = None,
                   group_buy: dict | None = None, points: int = 0) -> PriceContext:
    skus = {sku.pk: sku for sku in Sku.objects.select_related("product").prefetch_related("product__images")
            .filter(pk__in=[sku_id for sku_id, _ in pairs])}
    lines = []
    for sku_id, quantity in pairs:
        sku = skus.get(sku_id)
        if sku is None or not sku.is_active or sku.product.status != Product.Status.ON_SALE:
            raise ValidationFailed(_("部分商品已下架。"), code=OrdersCode.NOT_SELLABLE, fields={"items": [str(sku_id)]})
        image = next(iter(sku.product.images.all()), None)
        lines.append(PriceLine(
            sku_id=sku.pk, product_id=sku.product_id, title=sku.product.title,
            spec_text=" ".join(f"{k}:{v}" for k, v in sorted(sku.spec_values.items())),
            image=image.image.url if image else "", unit_price_fen=sku.price_fen, quantity=quantity,
            weight_g=sku.weight_g,
        ))
    choices: dict = {} if coupon_ids is None else {"coupon_ids": sorted(set(coupon_ids))}
    if flash_item_id is not None:
        choices["flash_item_id"] = flash_item_id
    if group_buy is not None:
        choices["group_buy"] = group_buy
    if points:
        choices["points"] = points
    return price(PriceContext(lines=lines, region_code=address.region_code, member_id=member.pk, choices=choices))


def checkout_preview(*, member: Member, address_id: int, items: list[dict] | None = None,
                     coupon_ids: list[int] | None = None, flash_item_id: int | None = None,
                     group_buy: dict | None = None, points: int = 0) -> PriceContext:
    """Prices, discounts, shipping and total for what the member is about to buy, with the member's coupons
    ``coupon_ids`` (None: the best ones, chosen by the pricing steps; []: none), as a flash-sale purchase of
    ``flash_item_id`` or a group-buy order (``{"id": group buy, "team": team to join or None}``) when given,
    paying ``points`` of the member's points. Writes nothing."""
    address = _address(member, address_id)
    return _price_context(member, _requested_items(member, items), address, coupon_ids, flash_item_id, group_buy,
                          points)


def _fingerprint(pairs: list[tuple[int, int]], address_id: int, remark: str, device_id: str,
                 coupon_ids: list[int] | None, flash_item_id: int | None, group_buy: dict | None, points: int) -> str:
    """Everything the shopper sent: the same key with any of it different is another request, not a retry."""
    chosen = None if coupon_ids is None else sorted(set(coupon_ids))
    sent = [pairs, address_id, remark, device_id] + ([chosen] if chosen is not None else []) + (
        [["flash", flash_item_id]] if flash_item_id is not None else []) + (
        [["group", group_buy.get("id"), group_buy.get("team")]] if group_buy is not None else []) + (
        [["points", points]] if points else [])
    return hashlib.sha256(json.dumps(sent).encode()).hexdigest()[:32]


@transaction.atomic
def order_create(*, member: Member, idempotency_key: str, address_id: int, items: list[dict] | None = None,
                 remark: str = "", device_id: str = "", client_ip: str | None = None,
                 coupon_ids: list[int] | None = None, flash_item_id: int | None = None,
                 group_buy: dict | None = None, points: int = 0,
                 now: datetime | None = None) -> tuple[Order, bool]:
    """Place an order: price it (with ``coupon_ids``, ``flash_item_id``, ``group_buy``, ``points`` as in
    ``checkout_preview``; a flash purchase comes through marketing's gate, tenants.marketing.flash.flash_buy),
    reserve stock (never oversold), take what the pricing applied (a coupon is used up), empty the bought cart
    rows. Returns (order, created). The same idempotency key returns the same order; reusing a key for a different
    basket is a conflict."""
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise ValidationFailed(_("缺少幂等键。"), fields={"idempotency_key": [_("需要 8 到 64 个字符的幂等键。")]})
    pairs = _requested_items(member, items)
    fingerprint = _fingerprint(pairs, address_id, remark, device_id, coupon_ids, flash_item_id, group_buy, points)
    existing = Order.objects.filter(member=member, idempotency_key=key).first()
    if existing is not None:
        if existing.pricing.get("fingerprint") != fingerprint:
            raise Conflict(_("该幂等键已用于另一笔订单。"), code=OrdersCode.IDEMPOTENCY_KEY_REUSED)
        return existing, False
    now = now or timezone.now()
    address = _address(member, address_id)
    ctx = _price_context(member, pairs, address, coupon_ids, flash_item_id, group_buy, points)
    rules = order_settings_get()
    try:
        with transaction.atomic():
            plan_limit_check(resource="orders_per_month", count=lambda: orders_this_month_count(now=now))
            order = Order.objects.create(
                number=sortable_number(now), member=member, idempotency_key=key, goods_fen=ctx.goods_fen,
                discount_fen=ctx.discount_fen, shipping_fen=ctx.shipping_fen, payable_fen=ctx.payable_fen,
                pricing={**ctx.breakdown(), "fingerprint": fingerprint}, remark=remark[:200],
                address={"recipient": address.recipient, "phone": address.phone, "region_code": address.region_code,
                         "province": address.province, "city": address.city, "district": address.district,
                         "detail": address.detail},
                device_id=device_id[:64], client_ip=client_ip,
                pay_deadline_at=now + timedelta(minutes=rules.auto_cancel_minutes),
            )
    except IntegrityError:
        # The same key raced in from a second request: that one won; answer with its order.
        return order_create(member=member, idempotency_key=key, address_id=address_id, items=items, remark=remark,
                            device_id=device_id, client_ip=client_ip, coupon_ids=coupon_ids,
                            flash_item_id=flash_item_id, group_buy=group_buy, points=points, now=now)
    OrderLine.objects.bulk_create([
        OrderLine(order=order, position=i, sku_id=line.sku_id, product_id=line.product_id, title=line.title,
                  spec_text=line.spec_text, image=line.image, unit_price_fen=line.unit_price_fen,
                  quantity=line.quantity, goods_fen=line.goods_fen, discount_fen=line.discount_fen,
                  paid_fen=line.paid_fen)
        for i, line in enumerate(ctx.lines, start=1)
    ])
    for sku_id, quantity in pairs:  # ascending SKU ids: concurrent orders lock in the same order
        try:
            stock_reserve(sku_id=sku_id, quantity=quantity, reference=order.number, actor=_member_actor(member))
        except InsufficientStock:
            line = next(line for line in ctx.lines if line.sku_id == sku_id)
            short = _("「%(title)s」库存不足，请减少数量或换个规格。") % {
                "title": f"{line.title} {line.spec_text}".strip()}
            raise InsufficientStock(short, fields={"items": [short]}) from None
    CartItem.objects.filter(member=member, sku_id__in=[sku_id for sku_id, _ in pairs]).delete()
    _event(order, "created", actor=_member_actor(member))
    publish(OrderPlaced(order_id=order.pk, member_id=member.pk, promotions=ctx.promotions))
    return order, True


# --- store rules --------------------------------------------------------------------------------------

# Field -> (lowest, highest) accepted.
ORDER_RULE_RANGES = {"auto_cancel_minutes": (5, 1440), "auto_receive_days": (3, 30), "after_sale_days": (1, 60),
                     "merchant_review_days": (1, 15), "return_days": (1, 30), "return_receive_days": (1, 30)}


@transaction.atomic
def order_settings_update(*, auto_cancel_minutes: int, auto_receive_days: int, after_sale_days: int,
                          merchant_review_days: int, return_days: int, return_receive_days: int,
                          reviews_need_approval: bool) -> OrderSettings:
    """The store's order rules: unpaid orders cancel after ``auto_cancel_minutes``; shipped orders count as
    received after ``auto_receive_days``; shoppers may ask for after-sales ``after_sale_days`` after receipt;
    the merchant reviews a request within ``merchant_review_days`` (else it is approved), the shopper ships a
    return within ``return_days`` (else it closes), the merchant confirms it within ``return_receive_days``
    (else it counts as received); product reviews show after the merchant approves them when
    ``reviews_need_approval``. Apps above may refuse (e.g. a commission freeze shorter than the window)."""
    values = {"auto_cancel_minutes": auto_cancel_minutes, "auto_receive_days": auto_receive_days,
              "after_sale_days": after_sale_days, "merchant_review_days": merchant_review_days,
              "return_days": return_days, "return_receive_days": return_receive_days}
    errors = {name: [_("请填写 %(low)s 到 %(high)s 之间的整数。") % {"low": low, "high": high}]
              for name, (low, high) in ORDER_RULE_RANGES.items() if not low <= values[name] <= high}
    if errors:
        raise ValidationFailed(_("请修正标出的字段。"), fields=errors)
    publish(OrderRulesChanging(after_sale_days=after_sale_days))
    rules = OrderSettings.objects.select_for_update().get(pk=order_settings_get().pk)
    for name, value in values.items():
        setattr(rules, name, value)
    rules.reviews_need_approval = reviews_need_approval
    rules.save()
    return rules


# --- state machine -------------------------------------------------------------------------------------

def _locked(order_id: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_id)


def _guard(order: Order, action: str) -> None:
    ORDER.check(action, order.status, status_label=order.get_status_display())


def _next_paid_seq(member_id: int) -> int:
    """The buyer's next paid-order number, under a lock on the member row held to the end of the payment's
    transaction: concurrent payments of one buyer take their numbers one after the other."""
    Member.objects.select_for_update().filter(pk=member_id).values_list("pk", flat=True).get()
    last = Order.objects.filter(member_id=member_id).aggregate(last=Max("member_paid_seq"))["last"]
    return (last or 0) + 1


@transaction.atomic
def order_mark_paid(*, order_id: int, paid_fen: int, transaction_id: str, paid_at: datetime,
                    actor: str = "wechatpay") -> Order:
    """The payment gateway confirmed payment. Idempotent for the same transaction; anything else that
    does not fit (wrong amount, order no longer payable) is refused, never silently accepted."""
    order = _locked(order_id)
    if order.status != Order.Status.PENDING_PAYMENT and order.transaction_id == transaction_id:
        return order
    _guard(order, "pay")
    if paid_fen != order.payable_fen:
        raise ValidationFailed(_("支付金额与订单金额不符。"), code=OrdersCode.AMOUNT_MISMATCH)
    before = order.status
    order.status, order.paid_fen, order.paid_at, order.transaction_id = (
        Order.Status.PAID, paid_fen, paid_at, transaction_id)
    order.member_paid_seq = _next_paid_seq(order.member_id)
    order.save(update_fields=["status", "paid_fen", "paid_at", "transaction_id", "member_paid_seq"])
    _event(order, "paid", actor=actor, from_status=before, transaction_id=transaction_id)
    for line in order.lines.order_by("product_id"):  # units sold feed the "sort by sales" listing
        Product.objects.filter(pk=line.product_id).update(sales_count=F("sales_count") + line.quantity)
    publish(OrderPaid(order_id=order.pk))
    return order


@transaction.atomic
def order_cancel(*, order: Order, reason: str, actor: str) -> Order:
    """Cancel an unpaid order (by the shopper, or by the system when payment times out); stock returns."""
    order = _locked(order.pk)
    _guard(order, "cancel")
    before = order.status
    order.status, order.cancelled_at, order.cancel_reason = Order.Status.CANCELLED, timezone.now(), reason[:200]
    order.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    for line in order.lines.order_by("sku_id"):
        stock_release(sku_id=line.sku_id, quantity=line.quantity, reference=order.number, actor=actor)
    _event(order, "cancelled", actor=actor, from_status=before, note=reason[:300])
    publish(OrderCancelled(order_id=order.pk))
    return order


@transaction.atomic
def order_ship(*, order: Order, carrier_code: str, tracking_no: str, actor: str,
               lines: dict[int, int] | None = None, now: datetime | None = None):
    """Ship some or all remaining units (split shipments allowed). The order is shipped once every unit
    has left; receipt is then confirmed automatically after the store's auto-receive days."""
    from .models import Shipment

    order = _locked(order.pk)
    _guard(order, "ship")
    carrier_code, tracking_no = carrier_code.strip(), tracking_no.strip()
    fields = {}
    if not carrier_code:
        fields["carrier_code"] = [_("请选择快递公司。")]
    if not tracking_no:
        fields["tracking_no"] = [_("请填写快递单号。")]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    order_lines = {line.pk: line for line in order.lines.select_for_update()}
    remaining = {pk: line.quantity - line.shipped_quantity for pk, line in order_lines.items()}
    wanted = {pk: qty for pk, qty in remaining.items() if qty > 0} if lines is None else dict(lines)
    for pk, qty in wanted.items():
        if pk not in order_lines or not 1 <= qty <= remaining[pk]:
            message = _("第 %(n)s 个商品的发货数量超出未发货数量。") % {
                "n": order_lines[pk].position if pk in order_lines else "?"}
            raise ValidationFailed(message, fields={"lines": [message]})
    if not wanted:
        raise ValidationFailed(_("没有待发货的商品。"), fields={"lines": [_("没有待发货的商品。")]})
    now = now or timezone.now()
    if Shipment.objects.filter(carrier_code=carrier_code, tracking_no=tracking_no).exists():
        raise Conflict(_("该快递单号已被使用。"), fields={"tracking_no": [_("该快递单号已被使用。")]})
    shipment = Shipment.objects.create(order=order, carrier_code=carrier_code, tracking_no=tracking_no,
                                       lines={str(pk): qty for pk, qty in wanted.items()}, shipped_at=now)
    for pk, qty in wanted.items():
        OrderLine.objects.filter(pk=pk).update(shipped_quantity=F("shipped_quantity") + qty)
    before = order.status
    if all(remaining[pk] - wanted.get(pk, 0) == 0 for pk in remaining):
        order.status, order.shipped_at = Order.Status.SHIPPED, now
        order.receive_deadline_at = now + timedelta(days=order_settings_get().auto_receive_days)
        order.save(update_fields=["status", "shipped_at", "receive_deadline_at"])
    _event(order, "shipped", actor=actor, from_status=before, carrier=carrier_code, tracking_no=tracking_no,
           lines=shipment.lines)
    return shipment


@transaction.atomic
def order_confirm_receipt(*, order: Order, actor: str, now: datetime | None = None) -> Order:
    """The shopper confirms receipt (or the system does after the auto-receive days)."""
    order = _locked(order.pk)
    _guard(order, "confirm_receipt")
    before = order.status
    order.status, order.received_at = Order.Status.RECEIVED, now or timezone.now()
    order.save(update_fields=["status", "received_at"])
    _event(order, "received", actor=actor, from_status=before)
    publish(OrderReceived(order_id=order.pk, member_id=order.member_id))
    return order


@transaction.atomic
def order_complete(*, order: Order, actor: str = "system", now: datetime | None = None) -> Order:
    """Close the after-sales window: received, the window has passed and nothing is open."""
    from .models import AfterSale

    order = _locked(order.pk)
    _guard(order, "complete")
    now = now or timezone.now()
    if order.received_at is None or order.received_at + timedelta(days=order_settings_get().after_sale_days) > now:
        raise IllegalTransition(_("售后期尚未结束。"))
    if AfterSale.objects.filter(order=order, status__in=AfterSale.OPEN_STATUSES).exists():
        raise IllegalTransition(_("订单有进行中的售后。"))
    before = order.status
    order.status, order.completed_at = Order.Status.COMPLETED, now
    order.save(update_fields=["status", "completed_at"])
    _event(order, "completed", actor=actor, from_status=before)
    return order


@transaction.atomic
def order_refund_succeeded(*, order_id: int, after_sale_id: int | None, amount_fen: int,
                           lines: dict[int, tuple[int, int]], refund_no: str) -> Order:
    """The payment gateway confirmed a refund. Idempotent by refund number. Lines record what was given
    back (the base of commission claw-backs); an order refunded in full is closed."""
    from .events import OrderRefunded
    from .models import AfterSale

    order = _locked(order_id)
    if OrderEvent.objects.filter(order=order, kind="refunded", data__refund_no=refund_no).exists():
        return order
    for line_id, (quantity, amount) in sorted(lines.items()):
        OrderLine.objects.filter(pk=line_id, order=order).update(
            refunded_quantity=F("refunded_quantity") + quantity, refunded_fen=F("refunded_fen") + amount)
    order.refunded_fen += amount_fen
    before = order.status
    if all(line.refunded_quantity >= line.quantity for line in order.lines.all()):
        order.status = Order.Status.CLOSED
    order.save(update_fields=["refunded_fen", "status"])
    if after_sale_id is not None:
        AfterSale.objects.filter(pk=after_sale_id).update(status=AfterSale.Status.REFUNDED, resolved_at=timezone.now())
    _event(order, "refunded", actor="wechatpay", from_status=before, refund_no=refund_no, amount_fen=amount_fen)
    publish(OrderRefunded(order_id=order.pk, after_sale_id=after_sale_id, amount_fen=amount_fen, lines=lines))
    return order
