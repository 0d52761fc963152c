"""The coupons step of the orders' pricing pipeline (settings.ORDER_PRICING_STEPS): the member's usable coupons
are weighed against the cart as priced so far; the chosen ones (or the best, when the shopper has not chosen)
are taken off the eligible lines, allocated by largest remainder. One store coupon and one free-shipping coupon
at most per order. What was applied goes into the order's snapshot; every coupon, usable or not and why, goes
into the offers the checkout shows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.money import format_fen
from tenants.catalog.models import Product
from tenants.orders.calculations import PriceContext

from .error_codes import MarketingCode
from .models import Coupon
from .services import coupon_summary, usable_coupons


def _categories(product_ids: set[int]) -> dict[int, set[int]]:
    """Each product's categories and their parents (a coupon for a category covers its children)."""
    found: dict[int, set[int]] = {pid: set() for pid in product_ids}
    rows = Product.categories.through.objects.filter(product_id__in=product_ids).values_list(
        "product_id", "category_id", "category__parent_id")
    for product_id, category_id, parent_id in rows:
        found[product_id].update({category_id} | ({parent_id} if parent_id else set()))
    return found


def _eligible(coupon: Coupon, ctx: PriceContext, categories: dict[int, set[int]]) -> list[int]:
    indexes = []
    for i, line in enumerate(ctx.lines):
        if line.product_id in coupon.excluded_product_ids:
            continue
        if coupon.scope == Coupon.Scope.PRODUCTS and line.product_id not in coupon.scope_ids:
            continue
        if coupon.scope == Coupon.Scope.CATEGORIES and not categories[line.product_id] & set(coupon.scope_ids):
            continue
        indexes.append(i)
    return indexes


def _worth(coupon: Coupon, eligible_fen: int) -> int:
    if coupon.kind == Coupon.Kind.AMOUNT_OFF:
        return min(coupon.amount_fen, eligible_fen)
    if coupon.kind == Coupon.Kind.PERCENT_OFF:
        off = eligible_fen * coupon.percent_off_bp // 10000
        return min(off, coupon.max_discount_fen) if coupon.max_discount_fen else off
    return 0


def coupons_step(ctx: PriceContext) -> None:
    if ctx.member_id is None:
        return
    held = usable_coupons(member_id=ctx.member_id)
    categories = _categories({line.product_id for line in ctx.lines}) if any(
        mc.coupon.scope == Coupon.Scope.CATEGORIES for mc in held) else {}
    offers, usable = [], {}
    for mc in held:
        coupon = mc.coupon
        indexes = _eligible(coupon, ctx, categories)
        eligible_fen = sum(ctx.lines[i].paid_fen for i in indexes)
        reason = ""
        if not indexes:
            reason = _("购物车里没有适用的商品")
        elif eligible_fen < max(coupon.threshold_fen, 1):
            reason = _("还差 %(gap)s 元可用") % {"gap": format_fen(coupon.threshold_fen - eligible_fen)}
        worth = 0 if reason else _worth(coupon, eligible_fen)
        if not reason:
            usable[mc.pk] = (mc, indexes, worth)
        offers.append({"id": mc.pk, "name": coupon.name, "summary": coupon_summary(coupon), "kind": coupon.kind,
                       "discount_fen": worth, "usable": not reason, "reason": reason,
                       "valid_until": mc.valid_until.isoformat()})
    chosen = ctx.choices.get("coupon_ids")
    if chosen is None:  # the best store coupon (the soonest to expire among equals) and any free shipping
        store = [entry for entry in usable.values() if entry[0].coupon.kind != Coupon.Kind.FREE_SHIPPING]
        shipping = [entry for entry in usable.values() if entry[0].coupon.kind == Coupon.Kind.FREE_SHIPPING]
        picks = [max(store, key=lambda e: e[2])] if store and max(e[2] for e in store) > 0 else []
        picks += shipping[:1]
    else:
        unknown = [pk for pk in chosen if pk not in usable]
        if unknown:
            message = _("所选优惠券不可用于这笔订单。")
            raise ValidationFailed(message, code=MarketingCode.COUPON_NOT_USABLE, fields={"coupon_ids": [message]})
        picks = [usable[pk] for pk in chosen]
        kinds = [mc.coupon.kind == Coupon.Kind.FREE_SHIPPING for mc, _i, _w in picks]
        if kinds.count(False) > 1 or kinds.count(True) > 1:
            message = _("每笔订单最多使用一张店铺优惠券和一张包邮券。")
            raise ValidationFailed(message, code=MarketingCode.COUPONS_DO_NOT_STACK, fields={"coupon_ids": [message]})
    applied = []
    for mc, indexes, worth in sorted(picks, key=lambda e: e[0].coupon.kind == Coupon.Kind.FREE_SHIPPING):
        label = _("优惠券：%(name)s") % {"name": mc.coupon.name}
        if mc.coupon.kind == Coupon.Kind.FREE_SHIPPING:
            ctx.free_shipping, ctx.free_shipping_label = True, label
        else:
            ctx.discount_order(worth, label, line_indexes=indexes)
        applied.append(mc.pk)
    ctx.promotions["coupons"] = applied
    ctx.offers["coupons"] = sorted(offers, key=lambda o: (not o["usable"], -o["discount_fen"]))



