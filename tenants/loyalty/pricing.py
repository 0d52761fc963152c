"""Loyalty's steps of the orders' pricing pipeline (settings.ORDER_PRICING_STEPS): ``member_price_step`` after the
campaign prices (below), ``points_step`` after the coupons, ``member_shipping_step`` last.

``points_step``: the shopper's points pay part of the goods (``choices["points"]``, how many to use) at the store's
rate (``redeem_points_per_yuan``: 1 point is a whole number of fen) up to the store's share of the goods and the
shopper's balance. The points are allocated to the lines by largest remainder over what each line can still take
in whole points, so no line pays less than nothing and a refund of a line gives back exactly its points. Lines at
a campaign's own price (flash sale, group buy) take none. What the shopper could use is offered
(``offers["points"]``); what was used goes into the order's snapshot (``promotions["points"]``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.money import BP_DENOMINATOR, apply_rate_bp, split_largest_remainder
from tenants.orders.calculations import Adjustment, PriceContext

from .error_codes import LoyaltyCode
from .levels import member_level
from .models import ProductLevelPrice
from .points import loyalty_settings_get, points_balance


def points_step(ctx: PriceContext) -> None:
    wanted = int(ctx.choices.get("points") or 0)
    rules = loyalty_settings_get()
    if not rules.points_enabled or ctx.member_id is None:
        if wanted:
            raise ValidationFailed(_("本店未开启积分抵扣。"), code=LoyaltyCode.POINTS_OFF,
                                   fields={"points": [_("本店未开启积分抵扣。")]})
        return
    unit = rules.fen_per_point
    eligible = [i for i, line in enumerate(ctx.lines) if not line.own_price and line.paid_fen > 0]
    room = [ctx.lines[i].paid_fen // unit for i in eligible]  # whole points each line can take
    share_fen = sum(ctx.lines[i].paid_fen for i in eligible) * rules.redeem_max_share_bp // BP_DENOMINATOR
    balance = points_balance(member_id=ctx.member_id)
    most = min(balance, share_fen // unit, sum(room))
    if most < max(rules.redeem_min_points, 1):
        most = 0
    ctx.offers["points"] = {"balance": balance, "max_points": most, "max_fen": most * unit, "fen_per_point": unit,
                            "min_points": rules.redeem_min_points}
    if wanted <= 0:
        return
    if wanted > most:
        message = (_("最多可用 %(most)d 积分。") % {"most": most}) if most else _("本单不能使用积分。")
        raise ValidationFailed(message, code=LoyaltyCode.POINTS_OVER_LIMIT, fields={"points": [message]})
    shares = split_largest_remainder(wanted, room)
    used: dict[str, list[int]] = {}
    for i, points in zip(eligible, shares, strict=True):
        if points:
            ctx.lines[i].discount_fen += points * unit
            used[str(i + 1)] = [points, points * unit]  # line position -> [points, fen]
    ctx.adjustments.append(Adjustment(label=_("积分抵扣（%(points)d 积分）") % {"points": wanted},
                                      amount_fen=wanted * unit))
    ctx.promotions["points"] = {"points": wanted, "fen": wanted * unit, "lines": used}


def member_price_step(ctx: PriceContext) -> None:
    """Member price (会员价), after the campaign prices and before the full reductions: the member's level takes
    its share off each line that no campaign prices (a product may set its own share for the level, 0 for none).
    What it took is kept in the order's snapshot (``promotions["member_level"]``)."""
    if ctx.member_id is None:
        return
    level = member_level(member_id=ctx.member_id)
    own = dict(ProductLevelPrice.objects.filter(
        rank=level.rank, product_id__in={line.product_id for line in ctx.lines}).values_list("product_id",
                                                                                          "price_off_bp"))
    taken = 0
    for i, line in enumerate(ctx.lines):
        rate = own.get(line.product_id, level.price_off_bp)
        if line.campaign or not rate:
            continue
        off = apply_rate_bp(line.paid_fen, rate)
        ctx.discount_line(i, off, _("%(level)s会员价") % {"level": level.name})
        taken += min(off, line.goods_fen)
    if taken:
        ctx.promotions["member_level"] = {"rank": level.rank, "name": level.name, "discount_fen": taken}
    if level.free_shipping_over_fen is not None:
        ctx.offers["member_free_shipping_over_fen"] = level.free_shipping_over_fen
        ctx.offers["member_level_name"] = level.name


def member_shipping_step(ctx: PriceContext) -> None:
    """The level's free shipping (会员包邮), last: when the goods, after every discount, reach the level's
    threshold, the shipping fee is waived (the region must still be reachable)."""
    threshold = ctx.offers.get("member_free_shipping_over_fen")
    if threshold is not None and ctx.goods_fen - ctx.discount_fen >= threshold and not ctx.free_shipping:
        ctx.free_shipping = True
        ctx.free_shipping_label = _("%(level)s会员包邮") % {"level": ctx.offers["member_level_name"]}
