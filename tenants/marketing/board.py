"""The store's campaigns as plain data, kept in the cache until the merchant changes one: every product page
and every checkout asks which timed discounts, full reductions, flash sales, group buys and claimable coupons are
running, and the answer is a handful of rows that change a few times a month. Each entry carries its window, so
the one snapshot answers for any moment; a campaign or coupon created, paused, resumed or ended (or a coupon's
last unit claimed) forgets it once committed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone

from core.cache import forget_on_commit, kept_get

from .models import Campaign, Coupon, FlashSaleItem, FullReduction, GroupBuy, MarketingSettings, TimedDiscountItem

BOARD_KEY = "marketing-board"
BOARD_SECONDS = 300  # a change forgets it once committed; this bounds a page that put the old one back


@dataclass(frozen=True)
class Window:
    starts_at: datetime
    ends_at: datetime

    def running(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


@dataclass(frozen=True)
class TimedItem(Window):
    discount_id: int
    name: str
    product_id: int
    sku_id: int | None
    price_fen: int | None
    percent_off_bp: int
    per_member_limit: int | None


@dataclass(frozen=True)
class Reduction(Window):
    id: int
    name: str
    kind: str
    tiers: tuple[dict, ...]
    scope: str
    scope_ids: frozenset[int]

    def get_kind_display(self) -> str:
        return str(FullReduction.Kind(self.kind).label)


@dataclass(frozen=True)
class FlashItem(Window):
    item_id: int
    name: str
    sku_id: int
    product_id: int
    price_fen: int
    quota: int
    per_member_limit: int


@dataclass(frozen=True)
class GroupItem(Window):
    group_buy_id: int
    name: str
    sku_id: int
    product_id: int
    price_fen: int
    group_size: int


@dataclass(frozen=True)
class CouponOffer:
    """A coupon in the coupon centre, as a product page offers it (claims are counted when made)."""

    coupon_id: int
    kind: str
    amount_fen: int
    percent_off_bp: int
    max_discount_fen: int | None
    threshold_fen: int
    per_member_limit: int
    scope: str
    scope_ids: frozenset[int]
    excluded_product_ids: frozenset[int]
    valid_until: datetime | None

    def as_coupon(self) -> Coupon:
        """An unsaved Coupon with these terms, for what shows them (coupon_summary) in the reader's language."""
        return Coupon(pk=self.coupon_id, kind=self.kind, amount_fen=self.amount_fen,
                      percent_off_bp=self.percent_off_bp, max_discount_fen=self.max_discount_fen,
                      threshold_fen=self.threshold_fen, per_member_limit=self.per_member_limit)

    def covers(self, product_id: int, now: datetime) -> bool:
        return (self.valid_until is None or self.valid_until > now) and product_id not in self.excluded_product_ids \
            and (self.scope == "all" or (self.scope == "products" and product_id in self.scope_ids))


@dataclass(frozen=True)
class Board:
    timed: tuple[TimedItem, ...]
    reductions: tuple[Reduction, ...]
    flash: tuple[FlashItem, ...]
    groups: tuple[GroupItem, ...] = ()
    store_coupons_per_order: int = 1  # the store's stacking rule (MarketingSettings)
    coupons: tuple[CouponOffer, ...] = ()  # claimable, not run out when the board was kept

    def timed_running(self, now: datetime) -> list[TimedItem]:
        return [item for item in self.timed if item.running(now)]

    def reductions_running(self, now: datetime) -> list[Reduction]:
        return [reduction for reduction in self.reductions if reduction.running(now)]


def _load(now: datetime) -> Board:
    live = {"status": Campaign.Status.ACTIVE}
    timed = tuple(
        TimedItem(starts_at=i.discount.starts_at, ends_at=i.discount.ends_at, discount_id=i.discount_id,
                  name=i.discount.name, product_id=i.product_id, sku_id=i.sku_id, price_fen=i.price_fen,
                  percent_off_bp=i.percent_off_bp, per_member_limit=i.discount.per_member_limit)
        for i in TimedDiscountItem.objects.select_related("discount").filter(
            discount__status=live["status"], discount__ends_at__gt=now).order_by("pk"))
    reductions = tuple(
        Reduction(starts_at=r.starts_at, ends_at=r.ends_at, id=r.pk, name=r.name, kind=r.kind, tiers=tuple(r.tiers),
                  scope=r.scope, scope_ids=frozenset(r.scope_ids))
        for r in FullReduction.objects.filter(ends_at__gt=now, **live).order_by("pk"))
    flash = tuple(
        FlashItem(starts_at=i.flash_sale.starts_at, ends_at=i.flash_sale.ends_at, item_id=i.pk, name=i.flash_sale.name,
                  sku_id=i.sku_id, product_id=i.sku.product_id, price_fen=i.price_fen, quota=i.quota,
                  per_member_limit=i.flash_sale.per_member_limit)
        for i in FlashSaleItem.objects.select_related("flash_sale", "sku").filter(
            flash_sale__status=live["status"], flash_sale__ends_at__gt=now).order_by("flash_sale__starts_at", "pk"))
    groups = tuple(
        GroupItem(starts_at=g.starts_at, ends_at=g.ends_at, group_buy_id=g.pk, name=g.name, sku_id=g.sku_id,
                  product_id=g.sku.product_id, price_fen=g.price_fen, group_size=g.group_size)
        for g in GroupBuy.objects.select_related("sku").filter(ends_at__gt=now, **live).order_by("pk"))
    stacking = MarketingSettings.objects.values_list("store_coupons_per_order", flat=True).first() or 1
    coupons = tuple(
        CouponOffer(coupon_id=c.pk, kind=c.kind, amount_fen=c.amount_fen, percent_off_bp=c.percent_off_bp,
                    max_discount_fen=c.max_discount_fen, threshold_fen=c.threshold_fen,
                    per_member_limit=c.per_member_limit, scope=c.scope, scope_ids=frozenset(c.scope_ids),
                    excluded_product_ids=frozenset(c.excluded_product_ids), valid_until=c.valid_until)
        for c in Coupon.objects.filter(status=Coupon.Status.ACTIVE, claimable=True,
                                       issued_count__lt=F("total_quantity"))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .order_by("-amount_fen", "-percent_off_bp", "pk"))
    return Board(timed=timed, reductions=reductions, flash=flash, groups=groups, store_coupons_per_order=stacking,
                 coupons=coupons)


def campaigns_board(*, now: datetime | None = None) -> Board:
    """Every campaign not ended (running or to come), from the cache or the database."""
    board = kept_get(BOARD_KEY)
    if board is None:
        board = _load(now or timezone.now())
        cache.set(BOARD_KEY, board, timeout=BOARD_SECONDS)
    return board


def board_forget() -> None:
    """A campaign changed: the next reader loads the board again (once this transaction commits)."""
    forget_on_commit(BOARD_KEY)
