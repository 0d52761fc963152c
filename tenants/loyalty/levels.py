"""Member levels (会员等级): the store's levels with their thresholds and benefits, each member's standing,
evaluated set-based by the store's worker on received orders, and changed by staff with a reason.

A member rises to the highest level whose thresholds their received orders within the period meet (spend net of
refunds, number of orders; either or both, as the level says) and is never lowered by an evaluation: a member
whose spending falls keeps the level until staff change it, and every change is logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound, ValidationFailed
from core.money import BP_DENOMINATOR
from tenants.orders.models import Order

from .models import LevelChange, LoyaltySettings, MemberLevel, MemberStanding, ProductLevelPrice

MAX_LEVELS = 10
DEFAULT_LEVELS = (  # rank, name, spend (fen), orders, rule, price off (bp), free shipping over, points x (bp)
    (1, "粉丝", 0, 0, MemberLevel.Rule.ANY, 0, None, 10_000),
    (2, "VIP", 50_000, 0, MemberLevel.Rule.ANY, 500, None, 12_000),
    (3, "合伙人", 300_000, 20, MemberLevel.Rule.ANY, 1000, 0, 15_000),
)


def member_levels() -> list[MemberLevel]:
    """The store's levels, lowest first; the default three (粉丝, VIP, 合伙人) until the store sets its own."""
    levels = list(MemberLevel.objects.order_by("rank"))
    if levels:
        return levels
    with transaction.atomic():
        for rank, name, spend, orders, rule, off, free_over, points in DEFAULT_LEVELS:
            MemberLevel.objects.get_or_create(rank=rank, defaults={
                "name": name, "spend_fen": spend, "orders": orders, "rule": rule, "price_off_bp": off,
                "free_shipping_over_fen": free_over, "points_multiplier_bp": points})
    return list(MemberLevel.objects.order_by("rank"))


def member_rank(*, member_id: int) -> int:
    return MemberStanding.objects.filter(member_id=member_id).values_list("rank", flat=True).first() or 1


def member_level(*, member_id: int) -> MemberLevel:
    """The member's level (the highest the store has, should staff have removed the member's own)."""
    rank = member_rank(member_id=member_id)
    levels = member_levels()
    return next((level for level in reversed(levels) if level.rank <= rank), levels[0])


@dataclass(frozen=True)
class LevelInput:
    rank: int
    name: str
    spend_fen: int = 0
    orders: int = 0
    rule: str = MemberLevel.Rule.ANY
    price_off_bp: int = 0
    free_shipping_over_fen: int | None = None
    points_multiplier_bp: int = 10_000
    birthday_coupon_id: int | None = None
    early_access_minutes: int = 0


@transaction.atomic
def level_save(*, level: MemberLevel | None, values: LevelInput) -> MemberLevel:
    """Create or change a level. Levels rise in rank, thresholds and benefits: a higher level must ask for more and
    never give less off; rank 1 asks for nothing."""
    levels = [lv for lv in member_levels() if level is None or lv.pk != level.pk]
    fields: dict[str, list[str]] = {}
    if not values.name.strip():
        fields["name"] = [_("请填写等级名称。")]
    if not 1 <= values.rank <= MAX_LEVELS:
        fields["rank"] = [_("等级须在 1 到 %(max)s 之间。") % {"max": MAX_LEVELS}]
    elif any(lv.rank == values.rank for lv in levels):
        fields["rank"] = [_("已有第 %(rank)s 级。") % {"rank": values.rank}]
    if values.rank == 1 and (values.spend_fen or values.orders):
        fields["spend_fen"] = [_("第 1 级是所有会员的起点，不能设门槛。")]
    elif values.rank > 1 and not (values.spend_fen or values.orders):
        fields["spend_fen"] = [_("请设置消费金额或订单数门槛。")]
    if values.rule not in MemberLevel.Rule.values:
        fields["rule"] = [_("请选择升级条件。")]
    if not 0 <= values.price_off_bp <= 5000:
        fields["price_off_bp"] = [_("会员折扣须在 0% 到 50% 之间。")]
    if not 0 <= values.points_multiplier_bp <= 10 * BP_DENOMINATOR:
        fields["points_multiplier_bp"] = [_("积分倍数须在 0 到 10 倍之间。")]
    lower = [lv for lv in levels if lv.rank < values.rank]
    higher = [lv for lv in levels if lv.rank > values.rank]
    def _out_of_order(below: MemberLevel | LevelInput, above: MemberLevel | LevelInput) -> bool:
        """A threshold both levels use must be higher for the higher level (an unused one is 0)."""
        return any(low and high and low > high for low, high in ((below.spend_fen, above.spend_fen),
                                                                 (below.orders, above.orders)))

    if "spend_fen" not in fields and values.rank > 1 and (
            any(_out_of_order(lv, values) for lv in lower) or any(_out_of_order(values, lv) for lv in higher)):
        fields["spend_fen"] = [_("门槛须随等级升高：不低于下一级、不高于上一级。")]
    if "price_off_bp" not in fields and (any(lv.price_off_bp > values.price_off_bp for lv in lower)
                                         or any(lv.price_off_bp < values.price_off_bp for lv in higher)):
        fields["price_off_bp"] = [_("会员折扣须随等级升高。")]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    level = level or MemberLevel()
    for name, value in vars(values).items():
        setattr(level, name, value.strip() if isinstance(value, str) else value)
    level.save()
    return level


@transaction.atomic
def level_delete(*, level: MemberLevel) -> None:
    """Remove a level above the first; its members keep their rank and are shown the highest level below it
    until staff or an evaluation move them."""
    if level.rank == 1:
        raise ValidationFailed(_("第 1 级不能删除。"), fields={"rank": [_("第 1 级不能删除。")]})
    level.delete()


@transaction.atomic
def member_level_set(*, member_id: int, rank: int, actor: str, reason: str) -> MemberStanding:
    """Staff put a member at a level (up or down), with the reason, logged."""
    reason = reason.strip()
    fields: dict[str, list[str]] = {}
    if not reason:
        fields["reason"] = [_("请填写调整原因。")]
    if not any(level.rank == rank for level in member_levels()):
        fields["rank"] = [_("没有这个等级。")]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    standing, _created = MemberStanding.objects.select_for_update().get_or_create(member_id=member_id)
    if standing.rank == rank:
        raise ValidationFailed(_("会员已在这个等级。"), fields={"rank": [_("会员已在这个等级。")]})
    LevelChange.objects.create(member_id=member_id, from_rank=standing.rank, to_rank=rank, actor=actor[:150],
                               reason=reason[:200])
    standing.rank, standing.changed_at = rank, timezone.now()
    standing.save(update_fields=["rank", "changed_at"])
    return standing


def level_progress(*, member_id: int, now: datetime | None = None) -> dict:
    """Where the member stands and what the next level asks (for the member card)."""
    levels = member_levels()
    current = member_level(member_id=member_id)
    standing = MemberStanding.objects.filter(member_id=member_id).first()
    following = next((level for level in levels if level.rank > current.rank), None)
    spend, orders = (standing.spend_fen, standing.orders) if standing else (0, 0)
    return {"level": current, "next": following, "spend_fen": spend, "orders": orders,
            "spend_left_fen": max(following.spend_fen - spend, 0) if following else 0,
            "orders_left": max(following.orders - orders, 0) if following else 0}


EVALUATE_SQL = """
WITH figures AS (
    SELECT o.member_id, sum(o.paid_fen - o.refunded_fen) AS spend, count(*) AS orders
      FROM {order} o
     WHERE o.received_at >= %(since)s AND o.status IN ('received', 'completed')
     GROUP BY o.member_id
), reached AS (
    SELECT f.member_id, f.spend, f.orders, coalesce(max(l.rank), 1) AS rank
      FROM figures f
      LEFT JOIN {level} l ON CASE WHEN l.rule = 'all' THEN f.spend >= l.spend_fen AND f.orders >= l.orders
                                  ELSE (l.spend_fen > 0 AND f.spend >= l.spend_fen)
                                    OR (l.orders > 0 AND f.orders >= l.orders)
                                    OR (l.spend_fen = 0 AND l.orders = 0) END
     GROUP BY f.member_id, f.spend, f.orders
), risen AS (
    SELECT r.member_id, coalesce(s.rank, 1) AS from_rank, r.rank AS to_rank
      FROM reached r LEFT JOIN {standing} s ON s.member_id = r.member_id
     WHERE r.rank > coalesce(s.rank, 1)
), logged AS (
    INSERT INTO {change} (member_id, from_rank, to_rank, actor, reason, created_at)
    SELECT member_id, from_rank, to_rank, 'system', %(reason)s, %(now)s FROM risen
    RETURNING 1
), saved AS (
    INSERT INTO {standing} AS s (member_id, rank, spend_fen, orders, evaluated_at, changed_at)
    SELECT member_id, rank, spend, orders, %(now)s, CASE WHEN rank > 1 THEN %(now)s END FROM reached
    ON CONFLICT (member_id) DO UPDATE
       SET spend_fen = EXCLUDED.spend_fen, orders = EXCLUDED.orders, evaluated_at = EXCLUDED.evaluated_at,
           rank = GREATEST(s.rank, EXCLUDED.rank),
           changed_at = CASE WHEN EXCLUDED.rank > s.rank THEN EXCLUDED.evaluated_at ELSE s.changed_at END
    RETURNING 1
)
SELECT (SELECT coalesce(sum(orders), 0) FROM figures), (SELECT count(*) FROM saved), (SELECT count(*) FROM logged)
"""


@dataclass(frozen=True)
class EvaluationResult:
    orders: int  # received orders counted
    members: int  # members evaluated
    risen: int  # members who went up


def levels_evaluate(*, rules: LoyaltySettings, now: datetime | None = None) -> EvaluationResult:
    """Every member with received orders in the period, in one statement: their figures saved, their level raised
    to the highest they reach (never lowered), each rise logged."""
    now = now or timezone.now()
    member_levels()  # the defaults exist before the first evaluation
    since = now - timedelta(days=rules.level_period_days) if rules.level_period_days else datetime.min.replace(
        tzinfo=now.tzinfo)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(EVALUATE_SQL.format(order=Order._meta.db_table, level=MemberLevel._meta.db_table,
                                           standing=MemberStanding._meta.db_table,
                                           change=LevelChange._meta.db_table),
                       {"since": since, "now": now, "reason": _("消费达到升级条件")})
        orders, members, risen = cursor.fetchone()
    return EvaluationResult(orders=int(orders), members=int(members), risen=int(risen))


def level_named(*, level_id: int) -> MemberLevel:
    level = MemberLevel.objects.filter(pk=level_id).first()
    if level is None:
        raise NotFound(_("没有这个等级。"))
    return level


def product_level_prices(*, product_id: int) -> dict[int, int]:
    """The product's own member discounts, by level rank (a level not here gives its own)."""
    return dict(ProductLevelPrice.objects.filter(product_id=product_id).values_list("rank", "price_off_bp"))


@transaction.atomic
def product_level_prices_set(*, product_id: int, prices: dict[int, int | None]) -> dict[int, int]:
    """Set the product's member discount per level rank: a share off (0 for no member price on it), or None for
    the level's own. Every level's share is checked before anything is saved."""
    ranks = {level.rank for level in member_levels()}
    fields = {f"level_{rank}": [_("没有这个等级。")] for rank in prices if rank not in ranks}
    fields.update({f"level_{rank}": [_("会员折扣须在 0% 到 50% 之间。")] for rank, bp in prices.items()
                   if bp is not None and not 0 <= bp <= 5000})
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    for rank, bp in prices.items():
        if bp is None:
            ProductLevelPrice.objects.filter(product_id=product_id, rank=rank).delete()
        else:
            ProductLevelPrice.objects.update_or_create(product_id=product_id, rank=rank,
                                                       defaults={"price_off_bp": bp})
    return product_level_prices(product_id=product_id)
