"""Loyalty's step of the orders' pricing pipeline (settings.ORDER_PRICING_STEPS), after the coupons:

``points_step``: the shopper's points pay part of the goods (``choices["points"]``, how many to use) at the store's
rate (``redeem_points_per_yuan``: 1 point is a whole number of fen) up to the store's share of the goods and the
shopper's balance. The points are allocated to the lines by largest remainder over what each line can still take
in whole points, so no line pays less than nothing and a refund of a line gives back exactly its points. Lines at
a campaign's own price (flash sale, group buy) take none. What the shopper could use is offered
(``offers["points"]``); what was used goes into the order's snapshot (``promotions["points"]``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.money import BP_DENOMINATOR, split_largest_remainder
from tenants.orders.calculations import Adjustment, PriceContext

from .error_codes import LoyaltyCode
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
