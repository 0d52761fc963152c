"""Reads of the marketing app."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tenants.catalog.models import Product
from tenants.members.models import Member
from tenants.orders.models import Order

from .board import FlashItem, GroupItem, TimedItem, campaigns_board
from .campaigns import tier_summary, timed_prices
from .flash import flash_gate_left
from .models import (
    Campaign,
    CampaignPurchase,
    Coupon,
    FlashSaleItem,
    GroupBuy,
    GroupTeam,
    GroupTeamMember,
    MemberCoupon,
)


def coupons_claimable(*, member: Member | None, now: datetime | None = None) -> QuerySet[Coupon]:
    """The coupon centre: active claimable coupons still within their window, with ``left`` and (for a member)
    ``held`` — how many of each the member already has."""
    now = now or timezone.now()
    found = (Coupon.objects.filter(status=Coupon.Status.ACTIVE, claimable=True)
             .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
             .annotate(left=F("total_quantity") - F("issued_count")))
    if member is not None:
        found = found.annotate(held=Count("issued", filter=Q(issued__member=member)))
    return found.order_by("-created_at", "-id")


def member_coupons(*, member: Member, state: str, now: datetime | None = None) -> QuerySet[MemberCoupon]:
    """The member's coupons that are ``usable`` (unused and valid), ``used``, or ``expired`` (unused, past)."""
    now = now or timezone.now()
    mine = MemberCoupon.objects.filter(member=member).select_related("coupon")
    if state == "used":
        return mine.filter(status=MemberCoupon.Status.USED).order_by("-used_at")
    if state == "expired":
        return mine.filter(status=MemberCoupon.Status.UNUSED, valid_until__lte=now).order_by("-valid_until")
    return mine.filter(status=MemberCoupon.Status.UNUSED, valid_until__gt=now).exclude(
        coupon__status=Coupon.Status.ENDED).order_by("valid_until", "id")


def coupons_for_console() -> QuerySet[Coupon]:
    """Every coupon with how many were claimed and used, and redemption codes made (``codes_made``)."""
    return Coupon.objects.annotate(
        used=Count("issued", filter=Q(issued__status=MemberCoupon.Status.USED), distinct=True),
        codes_made=Count("codes", distinct=True)).order_by("-created_at", "-id")


@dataclass(frozen=True)
class FlashShown:
    """A flash-sale item on show, with the units still to take (the gate's count, or the database's)."""

    item: FlashSaleItem
    left: int

    @property
    def taken(self) -> int:
        return self.item.quota - self.left


def flash_items_on_show(*, now: datetime | None = None, days_ahead: int = 7) -> list[FlashShown]:
    """Flash-sale items running now or starting within ``days_ahead`` days, soonest first, with their sale, SKU
    and product."""
    now = now or timezone.now()
    items = (FlashSaleItem.objects.select_related("flash_sale", "sku__product")
             .filter(flash_sale__status=Campaign.Status.ACTIVE, flash_sale__ends_at__gt=now,
                     flash_sale__starts_at__lte=now + timedelta(days=days_ahead),
                     sku__product__status=Product.Status.ON_SALE)
             .order_by("flash_sale__starts_at", "flash_sale_id", "pk"))
    shown = []
    for item in items:
        gate, stored = flash_gate_left(item.pk), item.quota - item.sold_count
        shown.append(FlashShown(item=item, left=stored if gate is None else max(min(gate, stored), 0)))
    return shown


@dataclass
class CampaignFigures:
    """What a campaign brought: orders placed under it (not cancelled), units, what it took off, the paid amount
    of its paid orders (GMV) and how many of those were the buyer's first paid order (new buyers)."""

    orders: int = 0
    units: int = 0
    discount_fen: int = 0
    gmv_fen: int = 0
    new_buyers: int = 0


def _figures(rows: list[tuple[int, int, int, int]]) -> dict[int, CampaignFigures]:
    """[(campaign id, order id, units, discount fen)] -> figures per campaign (one query for the orders)."""
    paid = {pk: (paid_fen, seq) for pk, paid_fen, seq in Order.objects.filter(
        pk__in={order_id for _c, order_id, _u, _d in rows}, paid_at__isnull=False).values_list(
        "pk", "paid_fen", "member_paid_seq")}
    found: dict[int, CampaignFigures] = {}
    orders: dict[int, set[int]] = {}
    for campaign_id, order_id, units, discount_fen in rows:
        figures = found.setdefault(campaign_id, CampaignFigures())
        figures.units += units
        figures.discount_fen += discount_fen
        if order_id not in orders.setdefault(campaign_id, set()):
            orders[campaign_id].add(order_id)
            figures.orders += 1
            if order_id in paid:
                figures.gmv_fen += paid[order_id][0]
                figures.new_buyers += paid[order_id][1] == 1
    return found


def campaign_figures(kind: str) -> dict[int, CampaignFigures]:
    """Figures of every campaign of ``kind`` (a CampaignPurchase kind) by campaign id (a flash sale's: by the
    sale, its items added up)."""
    rows = list(CampaignPurchase.objects.filter(kind=kind).values_list("campaign_id", "order_id", "quantity",
                                                                       "discount_fen"))
    if kind == CampaignPurchase.Kind.FLASH:
        sale_of = dict(FlashSaleItem.objects.values_list("pk", "flash_sale_id"))
        rows = [(sale_of.get(item_id, 0), order_id, units, fen) for item_id, order_id, units, fen in rows]
    return _figures(rows)


def coupon_figures() -> dict[int, CampaignFigures]:
    """Figures of every coupon by coupon id, from the orders that used one."""
    rows = list(MemberCoupon.objects.filter(status=MemberCoupon.Status.USED).values_list(
        "coupon_id", "order_id", "coupon_id", "discount_fen"))
    return _figures([(coupon_id, order_id, 1, fen) for coupon_id, order_id, _c, fen in rows if order_id is not None])


@dataclass(frozen=True)
class ProductPromotions:
    """What a product page shows of the campaigns: each SKU's timed price, the flash sale running or next (with
    the units left), the full reductions that cover it."""

    timed: dict[int, tuple[TimedItem, int]]  # sku id -> (the timed discount, its price)
    flash: FlashItem | None
    flash_left: int | None
    reductions: list[str]  # tier summaries, "满 300.00 减 30.00"
    ends_at: datetime | None  # when the timed price ends (the soonest, for the countdown)
    group: GroupItem | None = None  # a group buy running on one of its SKUs
    # Coupons to claim on the page: claimable, not run out when the board was kept, covering the product (all
    # products, or this one named), best first; unsaved copies with their terms (a claim counts what is left).
    coupons: list[Coupon] = field(default_factory=list)

    @property
    def flash_running(self) -> bool:
        return self.flash is not None and self.flash.running(timezone.now())


def product_promotions(*, product_id: int, skus: dict[int, int], now: datetime | None = None) -> ProductPromotions:
    """For a product page (``skus``: {sku id: price}), from the kept campaigns board, read once: no query once it
    is kept but the flash gate's count (one Redis read, for a flash sale on show)."""
    now = now or timezone.now()
    board = campaigns_board()
    timed = timed_prices({sku_id: (product_id, price) for sku_id, price in skus.items()}, now=now, board=board)
    flash = next((f for f in board.flash if f.product_id == product_id and f.sku_id in skus and f.ends_at > now
                  and f.starts_at <= now + timedelta(days=7)), None)
    left = None
    if flash is not None:
        gate = flash_gate_left(flash.item_id)
        left = gate if gate is not None else FlashSaleItem.objects.filter(pk=flash.item_id).values_list(
            F("quota") - F("sold_count"), flat=True).first()
    reductions = [tier_summary(r, tier) for r in board.reductions_running(now)
                  if r.scope == Coupon.Scope.ALL or (r.scope == Coupon.Scope.PRODUCTS and product_id in r.scope_ids)
                  for tier in r.tiers]
    group = next((g for g in board.groups if g.product_id == product_id and g.sku_id in skus and g.running(now)),
                 None)
    coupons = [offer.as_coupon() for offer in board.coupons if offer.covers(product_id, now)][:3]
    return ProductPromotions(timed=timed, flash=flash, flash_left=left, reductions=reductions, group=group,
                             ends_at=min((item.ends_at for item, _price in timed.values()), default=None),
                             coupons=coupons)


SEGMENTS = {"all": gettext_lazy("全部会员"), "buyers_30d": gettext_lazy("近 30 天下过单"),
            "no_orders": gettext_lazy("从未付款")}


def segment_member_ids(segment: str, *, now: datetime | None = None) -> list[int]:
    """The active members of a segment (the merchant's 发放 targets)."""
    now = now or timezone.now()
    members = Member.objects.filter(is_active=True)
    paid = Order.objects.filter(paid_at__isnull=False)
    if segment == "buyers_30d":
        members = members.filter(pk__in=paid.filter(paid_at__gte=now - timedelta(days=30)).values("member_id"))
    elif segment == "no_orders":
        members = members.exclude(pk__in=paid.values("member_id"))
    elif segment != "all":
        return []
    return list(members.order_by("pk").values_list("pk", flat=True))


def group_buys_running(*, now: datetime | None = None) -> QuerySet[GroupBuy]:
    now = now or timezone.now()
    return (GroupBuy.objects.select_related("sku__product")
            .filter(status=Campaign.Status.ACTIVE, starts_at__lte=now, ends_at__gt=now,
                    sku__product__status=Product.Status.ON_SALE).order_by("ends_at", "pk"))


def group_team_shown(*, team_id: int) -> GroupTeam | None:
    """A team with its group buy and its places (members' nicknames and avatars), for the team's page."""
    return (GroupTeam.objects.select_related("group_buy__sku__product")
            .prefetch_related(Prefetch("places", queryset=GroupTeamMember.objects.select_related("member")
                                       .order_by("joined_at", "pk"))).filter(pk=team_id).first())


def group_team_of_order(*, order_id: int) -> int | None:
    """The team an order holds a place in (its page is where the buyer invites others)."""
    return GroupTeamMember.objects.filter(order_id=order_id).values_list("team_id", flat=True).first()
