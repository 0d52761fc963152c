"""Marketing's steps of the orders' pricing pipeline (settings.ORDER_PRICING_STEPS), in this order:

1. ``prices_step``: a flash-sale purchase gets the flash price on its line, a group-buy order the group price;
   other lines in a running timed
   discount get its price (up to the member's limit; units beyond it at the usual price).
2. ``full_reduction_step``: the best running full reduction whose tier the eligible lines reach comes off
   them, allocated by largest remainder (flash lines are not eligible).
3. ``coupons_step``: the member's usable coupons are weighed against the cart as priced so far; the chosen
   ones (or the best, when the shopper has not chosen) are taken off the eligible lines, allocated by largest
   remainder. One store coupon (or as many as the store's stacking rule allows, the best first) and one
   free-shipping coupon at most per order; flash and group-buy lines take none.

What was applied goes into the order's snapshot (``promotions``, which the order-placed handler takes: flash
units, limits, coupons); what was on offer, usable or not and why, goes into the offers the checkout shows."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, ValidationFailed
from core.money import format_fen
from tenants.catalog.models import Product
from tenants.loyalty.levels import member_level
from tenants.orders.calculations import PriceContext

from .board import Reduction, campaigns_board
from .campaigns import full_reductions_running, tier_summary, tier_worth, timed_prices, units_bought
from .error_codes import MarketingCode
from .groups import group_team_check
from .models import Campaign, CampaignPurchase, Coupon, FlashSaleItem, GroupBuy, GroupTeam
from .services import coupon_summary, usable_coupons

FLASH, DISCOUNT, GROUP = "flash", "discount", "group"  # PriceLine.campaign (flash and group are own prices)


def _categories(product_ids: set[int]) -> dict[int, set[int]]:
    """Each product's categories and their parents (a coupon for a category covers its children)."""
    found: dict[int, set[int]] = {pid: set() for pid in product_ids}
    rows = Product.categories.through.objects.filter(product_id__in=product_ids).values_list(
        "product_id", "category_id", "category__parent_id")
    for product_id, category_id, parent_id in rows:
        found[product_id].update({category_id} | ({parent_id} if parent_id else set()))
    return found


def _eligible(offer: Coupon | Reduction, ctx: PriceContext, categories: dict[int, set[int]]) -> list[int]:
    """The lines a coupon or a full reduction may take off (never a flash-sale line)."""
    excluded = getattr(offer, "excluded_product_ids", [])
    indexes = []
    for i, line in enumerate(ctx.lines):
        if line.own_price or line.product_id in excluded:
            continue
        if offer.scope == Coupon.Scope.PRODUCTS and line.product_id not in offer.scope_ids:
            continue
        if offer.scope == Coupon.Scope.CATEGORIES and not categories[line.product_id] & set(offer.scope_ids):
            continue
        indexes.append(i)
    return indexes


def _flash_price(ctx: PriceContext, item_id: int) -> None:
    item = FlashSaleItem.objects.select_related("flash_sale").filter(pk=item_id).first()
    now = timezone.now()
    if item is not None and now < item.flash_sale.starts_at and ctx.member_id is not None:
        now += timedelta(minutes=member_level(member_id=ctx.member_id).early_access_minutes)  # the level's early access
    if item is None or item.flash_sale.status != Campaign.Status.ACTIVE or \
            not item.flash_sale.starts_at <= now < item.flash_sale.ends_at:
        message = _("秒杀未在进行中。")
        raise Conflict(message, code=MarketingCode.FLASH_CLOSED, fields={"items": [message]})
    index = next((i for i, line in enumerate(ctx.lines) if line.sku_id == item.sku_id), None)
    if index is None or len(ctx.lines) != 1:
        message = _("秒杀商品须单独下单。")
        raise ValidationFailed(message, fields={"items": [message]})
    line = ctx.lines[index]
    sale = item.flash_sale
    if line.quantity > sale.per_member_limit:
        message = _("秒杀每人限购 %(n)s 件。") % {"n": sale.per_member_limit}
        raise Conflict(message, code=MarketingCode.FLASH_LIMIT_REACHED, fields={"items": [message]})
    off = max(line.unit_price_fen - item.price_fen, 0) * line.quantity
    ctx.discount_line(index, off, _("秒杀价"))
    line.campaign = FLASH
    ctx.promotions["flash"] = {"item_id": item.pk, "quantity": line.quantity, "limit": sale.per_member_limit,
                               "discount_fen": off}


def _group_price(ctx: PriceContext, choice: dict) -> None:
    group_buy = GroupBuy.objects.filter(pk=int(choice.get("id") or 0)).first()
    now = timezone.now()
    if group_buy is None or group_buy.status != Campaign.Status.ACTIVE or \
            not group_buy.starts_at <= now < group_buy.ends_at:
        message = _("拼团未在进行中。")
        raise Conflict(message, code=MarketingCode.GROUP_CLOSED, fields={"items": [message]})
    if len(ctx.lines) != 1 or ctx.lines[0].sku_id != group_buy.sku_id or ctx.lines[0].quantity != 1:
        message = _("拼团商品须单独下单，每人一件。")
        raise ValidationFailed(message, fields={"items": [message]})
    if choice.get("team") is not None:
        team = GroupTeam.objects.select_related("group_buy").filter(pk=choice["team"], group_buy=group_buy).first()
        if team is None:
            message = _("没有这个团。")
            raise ValidationFailed(message, fields={"team_id": [message]})
        if ctx.member_id is not None:
            group_team_check(team=team, member_id=ctx.member_id, now=now)
    line = ctx.lines[0]
    off = max(line.unit_price_fen - group_buy.price_fen, 0)
    ctx.discount_line(0, off, _("拼团价"))
    line.campaign = GROUP
    ctx.promotions["group_buy"] = {"id": group_buy.pk, "team": choice.get("team"), "discount_fen": off}


def prices_step(ctx: PriceContext) -> None:
    if (item_id := ctx.choices.get("flash_item_id")) is not None:
        _flash_price(ctx, item_id)
    if (group := ctx.choices.get("group_buy")) is not None:
        _group_price(ctx, group)
    open_lines = [i for i, line in enumerate(ctx.lines) if not line.campaign]
    running = timed_prices({ctx.lines[i].sku_id: (ctx.lines[i].product_id, ctx.lines[i].unit_price_fen)
                            for i in open_lines}) if open_lines else {}
    allowance: dict[int, int] = {}
    applied: dict[int, list[int]] = {}  # discount id -> [units, discount fen, limit]
    for i in open_lines:
        line = ctx.lines[i]
        if line.sku_id not in running:
            continue
        discount, unit_fen = running[line.sku_id]
        units, pk = line.quantity, discount.discount_id
        if discount.per_member_limit:
            if pk not in allowance:
                bought = units_bought(kind=CampaignPurchase.Kind.TIMED_DISCOUNT, campaign_id=pk,
                                      member_id=ctx.member_id) if ctx.member_id is not None else 0
                allowance[pk] = max(discount.per_member_limit - bought, 0)
            units = min(units, allowance[pk])
            allowance[pk] -= units
        off = (line.unit_price_fen - unit_fen) * units
        if off <= 0:
            continue
        label = _("限时折扣：%(name)s") % {"name": discount.name}
        if units < line.quantity:
            label += _("（限购 %(n)s 件，其余按原价）") % {"n": discount.per_member_limit}
        ctx.discount_line(i, off, label)
        line.campaign = DISCOUNT
        entry = applied.setdefault(pk, [0, 0, discount.per_member_limit or 0])
        entry[0] += units
        entry[1] += off
    if applied:
        ctx.promotions["timed_discounts"] = [[pk, *entry] for pk, entry in sorted(applied.items())]


def full_reduction_step(ctx: PriceContext) -> None:
    running = full_reductions_running()
    if not running:
        return
    categories = _categories({line.product_id for line in ctx.lines}) if any(
        r.scope == Coupon.Scope.CATEGORIES for r in running) else {}
    best, offers = None, []
    for reduction in running:
        indexes = _eligible(reduction, ctx, categories)
        eligible_fen = sum(ctx.lines[i].paid_fen for i in indexes)
        reached = [tier for tier in reduction.tiers if eligible_fen >= tier["threshold_fen"]]
        ahead = next((tier for tier in reduction.tiers if eligible_fen < tier["threshold_fen"]), None)
        worth = tier_worth(reduction, reached[-1], eligible_fen) if reached and indexes else 0
        offers.append({"id": reduction.id, "name": reduction.name, "discount_fen": worth,
                       "tiers": [tier_summary(reduction, tier) for tier in reduction.tiers],
                       "next": {"gap_fen": ahead["threshold_fen"] - eligible_fen,
                                "summary": tier_summary(reduction, ahead)} if ahead and indexes else None})
        if worth and (best is None or worth > best[2]):
            best = (reduction, indexes, worth, reached[-1])
    ctx.offers["full_reductions"] = offers
    if best is None:
        return
    reduction, indexes, worth, tier = best
    taken = ctx.discount_order(worth, _("%(kind)s：%(tier)s") % {"kind": reduction.get_kind_display(),
                                                               "tier": tier_summary(reduction, tier)},
                               line_indexes=indexes)
    ctx.promotions["full_reduction"] = {"id": reduction.id, "discount_fen": taken,
                                        "units": sum(ctx.lines[i].quantity for i in indexes)}


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
    stacking = campaigns_board().store_coupons_per_order
    if chosen is None:  # the best store coupons (the soonest to expire among equals) and any free shipping
        store = [entry for entry in usable.values() if entry[0].coupon.kind != Coupon.Kind.FREE_SHIPPING]
        shipping = [entry for entry in usable.values() if entry[0].coupon.kind == Coupon.Kind.FREE_SHIPPING]
        picks = [e for e in sorted(store, key=lambda e: -e[2]) if e[2] > 0][:stacking] + shipping[:1]
    else:
        unknown = [pk for pk in chosen if pk not in usable]
        if unknown:
            message = _("所选优惠券不可用于这笔订单。")
            raise ValidationFailed(message, code=MarketingCode.COUPON_NOT_USABLE, fields={"coupon_ids": [message]})
        picks = [usable[pk] for pk in chosen]
        kinds = [mc.coupon.kind == Coupon.Kind.FREE_SHIPPING for mc, _i, _w in picks]
        if kinds.count(False) > stacking or kinds.count(True) > 1:
            message = _("每笔订单最多使用 %(n)s 张店铺优惠券和一张包邮券。") % {"n": stacking}
            raise ValidationFailed(message, code=MarketingCode.COUPONS_DO_NOT_STACK, fields={"coupon_ids": [message]})
    applied, taken = [], {}
    for mc, indexes, worth in sorted(picks, key=lambda e: e[0].coupon.kind == Coupon.Kind.FREE_SHIPPING):
        label = _("优惠券：%(name)s") % {"name": mc.coupon.name}
        if mc.coupon.kind == Coupon.Kind.FREE_SHIPPING:
            ctx.free_shipping, ctx.free_shipping_label = True, label
        else:
            taken[str(mc.pk)] = ctx.discount_order(worth, label, line_indexes=indexes)
        applied.append(mc.pk)
    ctx.promotions["coupons"] = applied
    if taken:
        ctx.promotions["coupon_discounts"] = taken  # member coupon id -> fen (the coupon report adds them up)
    ctx.offers["coupons"] = sorted(offers, key=lambda o: (not o["usable"], -o["discount_fen"]))



