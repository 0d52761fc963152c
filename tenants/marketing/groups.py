"""Group buys (拼团). The merchant defines one (a SKU, the group price, the team size, the hours a team has);
a shopper's order at the group price opens a team or takes a place in one (under a lock on the team, so a team
never has more places than its size); a place is held by an unpaid order and freed if it is cancelled. When
every place of a full team is paid the team has succeeded. When the time is up first, the team has failed:
its unpaid orders are cancelled and its paid ones refunded in full through the store's refund path (a
refund-only after-sale, with its claw-backs), exactly once, under the team's lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.money import format_fen
from tenants.catalog.models import Product, Sku
from tenants.orders.aftersales import merchant_refund
from tenants.orders.models import Order
from tenants.orders.services import order_cancel

from .board import board_forget
from .campaigns import campaign_window_checked, campaign_window_problems
from .error_codes import MarketingCode
from .models import CampaignPurchase, GroupBuy, GroupTeam, GroupTeamMember

T = GroupTeam.Status


@dataclass(frozen=True)
class GroupBuyInput:
    name: str
    starts_at: datetime | None
    ends_at: datetime | None
    sku_id: int
    price_fen: int
    group_size: int
    hours: int = 24


def group_buy_problems(values: GroupBuyInput) -> dict[str, list[str]]:
    errors = campaign_window_problems(values.name, values.starts_at, values.ends_at)
    sku = Sku.objects.select_related("product").filter(pk=values.sku_id, is_active=True).first()
    if sku is None or sku.product.status == Product.Status.DRAFT:
        errors["sku_id"] = [_("请选择可售的规格。")]
    elif not 0 < values.price_fen < sku.price_fen:
        errors["price_fen"] = [_("拼团价须大于 0 且低于原价 %(p)s 元。") % {"p": format_fen(sku.price_fen)}]
    if not 2 <= values.group_size <= 20:
        errors["group_size"] = [_("成团人数须在 2 到 20 之间。")]
    if not 1 <= values.hours <= 72:
        errors["hours"] = [_("成团时限须在 1 到 72 小时之间。")]
    return errors


@transaction.atomic
def group_buy_create(*, values: GroupBuyInput) -> GroupBuy:
    starts_at, ends_at = campaign_window_checked(values, group_buy_problems(values))
    board_forget()
    return GroupBuy.objects.create(name=values.name.strip(), starts_at=starts_at, ends_at=ends_at,
                                   sku_id=values.sku_id, price_fen=values.price_fen, group_size=values.group_size,
                                   hours=values.hours)


def _refuse(message: str, code: str) -> Conflict:
    return Conflict(message, code=code, fields={"team_id": [message]})


def group_team_check(*, team: GroupTeam, member_id: int, now: datetime) -> None:
    """Whether the member may take a place in the team now (the order-placed step checks again, locked)."""
    if team.status != T.OPEN or team.deadline_at <= now:
        raise _refuse(_("这个团已结束。"), MarketingCode.GROUP_CLOSED)
    places = list(team.places.values_list("member_id", flat=True))
    if member_id in places:
        raise _refuse(_("你已在这个团里了。"), MarketingCode.GROUP_JOINED)
    if len(places) >= team.group_buy.group_size:
        raise _refuse(_("这个团已满员。"), MarketingCode.GROUP_FULL)


def group_order_placed(*, order_id: int, member_id: int, choice: dict, discount_fen: int) -> GroupTeam:
    """Inside the order's transaction: the order opens a team (no ``team`` chosen) or takes a place in one."""
    now = timezone.now()
    group_buy = GroupBuy.objects.get(pk=choice["id"])
    if choice.get("team") is None:
        team = GroupTeam.objects.create(group_buy=group_buy, leader_id=member_id,
                                        deadline_at=min(now + timedelta(hours=group_buy.hours), group_buy.ends_at))
    else:
        team = GroupTeam.objects.select_for_update().select_related("group_buy").get(pk=choice["team"])
        group_team_check(team=team, member_id=member_id, now=now)
    GroupTeamMember.objects.create(team=team, member_id=member_id, order_id=order_id)
    CampaignPurchase.objects.create(kind=CampaignPurchase.Kind.GROUP_BUY, campaign_id=group_buy.pk,
                                    member_id=member_id, order_id=order_id, quantity=1, discount_fen=discount_fen)
    return team


def _refund(order: Order, reason: str) -> None:
    merchant_refund(order=order, lines={line.pk: line.quantity for line in order.lines.all()}, reason=reason,
                    actor="system")


def group_order_paid(*, order_id: int) -> None:
    """Inside the payment's transaction: the place is paid; the team succeeds when all of its places are. A
    payment for a team that failed meanwhile is refunded at once."""
    place = GroupTeamMember.objects.filter(order_id=order_id).first()
    if place is None:
        return
    team = GroupTeam.objects.select_for_update().select_related("group_buy").get(pk=place.team_id)
    place.paid = True
    if team.status == T.FAILED:
        _refund(Order.objects.get(pk=order_id), _("拼团未成团，自动退款"))
        place.refunded = True
    place.save(update_fields=["paid", "refunded"])
    paid = team.places.filter(paid=True).count()
    if team.status == T.OPEN and paid >= team.group_buy.group_size:
        team.status, team.settled_at = T.FILLED, timezone.now()
        team.save(update_fields=["status", "settled_at"])


def group_order_cancelled(*, order_id: int) -> None:
    """An unpaid order was cancelled: its place is free again (an open team whose last place goes fails)."""
    place = GroupTeamMember.objects.filter(order_id=order_id).first()
    if place is None:
        return
    team = GroupTeam.objects.select_for_update().get(pk=place.team_id)
    place.delete()
    if team.status == T.OPEN and not team.places.exists():
        team.status, team.settled_at = T.FAILED, timezone.now()
        team.save(update_fields=["status", "settled_at"])


def group_teams_settle(*, now: datetime | None = None) -> dict:
    """Every open team whose time is up fails, one transaction each: unpaid orders cancelled, paid ones
    refunded in full (once: a refunded place is marked so under the team's lock)."""
    now = now or timezone.now()
    failed = refunded = cancelled = 0
    for team_id in GroupTeam.objects.filter(status=T.OPEN, deadline_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            team = GroupTeam.objects.select_for_update().get(pk=team_id)
            if team.status != T.OPEN:
                continue
            team.status, team.settled_at = T.FAILED, now
            team.save(update_fields=["status", "settled_at"])
            failed += 1
            for place in list(team.places.select_for_update().order_by("pk")):
                order = Order.objects.get(pk=place.order_id)
                if place.paid and not place.refunded:
                    _refund(order, _("拼团未成团，自动退款"))
                    place.refunded = True
                    place.save(update_fields=["refunded"])
                    refunded += 1
                elif not place.paid and order.status == Order.Status.PENDING_PAYMENT:
                    order_cancel(order=order, reason=_("拼团未成团"), actor="system")
                    cancelled += 1
    return {"group_teams_failed": failed, "group_refunds": refunded, "group_orders_cancelled": cancelled}
