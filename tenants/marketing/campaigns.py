"""Campaigns: timed discounts (限时折扣), full reductions (满减/满折) and flash sales (秒杀). The merchant defines
them with field errors for what does not fit, and pauses, resumes or ends them; orders record what each order
bought under them (CampaignPurchase), which per-member limits and flash quotas count, and a cancelled order gives
back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Conflict, ValidationFailed
from core.money import format_fen
from core.transitions import Transitions
from tenants.catalog.models import Product, Sku
from tenants.members.models import Member

from .board import Board, Reduction, TimedItem, board_forget, campaigns_board
from .error_codes import MarketingCode
from .flash import flash_state_changed
from .models import (
    Campaign,
    CampaignPurchase,
    Coupon,
    FlashSale,
    FlashSaleItem,
    FullReduction,
    GroupBuy,
    TimedDiscount,
    TimedDiscountItem,
)

S = Campaign.Status
P = CampaignPurchase.Kind


def campaign_window_problems(name: str, starts_at: datetime | None, ends_at: datetime | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name.strip() or len(name) > 40:
        errors["name"] = [_("请填写活动名称（40 字以内）。")]
    if starts_at is None:
        errors["starts_at"] = [_("请填写开始时间。")]
    if ends_at is None:
        errors["ends_at"] = [_("请填写结束时间。")]
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("结束时间须晚于开始时间。")]
    elif starts_at is not None and (ends_at - starts_at).days > 366:
        errors["ends_at"] = [_("活动最长一年。")]
    return errors


def campaign_window_checked(values, problems: dict[str, list[str]]) -> tuple[datetime, datetime]:
    """A campaign's window once its ``values`` hold together; otherwise the field errors ``problems`` raised."""
    if problems:
        raise ValidationFailed(_("请修正标出的字段。"), fields=problems)
    assert values.starts_at is not None and values.ends_at is not None  # the problems say so otherwise
    return values.starts_at, values.ends_at


def _overlapping(campaign: str, starts_at: datetime, ends_at: datetime) -> Q:
    """Items whose ``campaign`` (the relation's name) is not ended and whose window meets [starts_at, ends_at)."""
    return Q(**{f"{campaign}__status__in": [S.ACTIVE, S.PAUSED], f"{campaign}__starts_at__lt": ends_at,
                f"{campaign}__ends_at__gt": starts_at})


# --- timed discounts -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DiscountItemInput:
    product_id: int
    sku_id: int | None = None  # None: every SKU of the product
    price_fen: int | None = None  # the price during the campaign, or
    percent_off_bp: int = 0  # off each SKU's own price


@dataclass(frozen=True)
class TimedDiscountInput:
    name: str
    starts_at: datetime | None
    ends_at: datetime | None
    items: list[DiscountItemInput] = field(default_factory=list)
    per_member_limit: int | None = None


def timed_discount_problems(values: TimedDiscountInput) -> dict[str, list[str]]:
    errors = campaign_window_problems(values.name, values.starts_at, values.ends_at)
    if values.per_member_limit is not None and not 1 <= values.per_member_limit <= 999:
        errors["per_member_limit"] = [_("每人限购须在 1 到 999 之间，或不填。")]
    if not values.items:
        errors["items"] = [_("请至少选择一件商品。")]
        return errors
    prices = dict(Sku.objects.filter(product_id__in={i.product_id for i in values.items}, is_active=True)
                  .values_list("pk", "price_fen"))
    by_product: dict[int, list[int]] = {}
    for sku_id, product_id in Sku.objects.filter(pk__in=prices).values_list("pk", "product_id"):
        by_product.setdefault(product_id, []).append(sku_id)
    problems = []
    for item in values.items:
        covered = [item.sku_id] if item.sku_id is not None else by_product.get(item.product_id, [])
        if not covered or any(sku_id not in by_product.get(item.product_id, []) for sku_id in covered):
            problems.append(_("商品 %(id)s 没有可售的规格。") % {"id": item.product_id})
        elif (item.price_fen is None) == (not item.percent_off_bp):
            problems.append(_("商品 %(id)s：请填写活动价或折扣（二选一）。") % {"id": item.product_id})
        elif item.percent_off_bp and not 1 <= item.percent_off_bp <= 9900:
            problems.append(_("商品 %(id)s：折扣须在 0.1 折到 9.9 折之间。") % {"id": item.product_id})
        elif item.price_fen is not None and not all(0 < item.price_fen < prices[s] for s in covered):
            problems.append(_("商品 %(id)s：活动价须大于 0 且低于原价。") % {"id": item.product_id})
    if problems:
        errors["items"] = problems
    elif values.starts_at and values.ends_at and values.ends_at > values.starts_at:
        taken = (TimedDiscountItem.objects
                 .filter(_overlapping("discount", values.starts_at, values.ends_at),
                         product_id__in={i.product_id for i in values.items})
                 .values_list("product__title", flat=True).distinct())
        if taken:
            errors["items"] = [_("「%(title)s」在这段时间已有限时折扣。") % {"title": title} for title in taken]
    return errors


@transaction.atomic
def timed_discount_create(*, values: TimedDiscountInput) -> TimedDiscount:
    starts_at, ends_at = campaign_window_checked(values, timed_discount_problems(values))
    discount = TimedDiscount.objects.create(name=values.name.strip(), starts_at=starts_at, ends_at=ends_at,
                                            per_member_limit=values.per_member_limit)
    discount.items.bulk_create([
        discount.items.model(discount=discount, product_id=i.product_id, sku_id=i.sku_id, price_fen=i.price_fen,
                             percent_off_bp=i.percent_off_bp if i.price_fen is None else 0)
        for i in values.items])
    board_forget()
    return discount


def timed_unit_price(unit_price_fen: int, *, price_fen: int | None, percent_off_bp: int) -> int:
    """A SKU's price under a timed discount item: the set price, or the percent off rounded down to the fen
    (the shopper never pays a fraction more than the label says)."""
    if price_fen is not None:
        return min(price_fen, unit_price_fen)
    return unit_price_fen * (10000 - percent_off_bp) // 10000


def timed_prices(lines: dict[int, tuple[int, int]], *, now: datetime | None = None,
                 board: Board | None = None) -> dict[int, tuple[TimedItem, int]]:
    """For SKUs ``{sku id: (product id, price)}``, each one's running timed discount and its price there (an item
    naming the SKU beats one for its product). Read from the campaigns board: no query once it is kept."""
    now = now or timezone.now()
    products = {product_id for product_id, _price in lines.values()}
    found: dict[int, tuple[TimedItem, int]] = {}
    items = [i for i in (board or campaigns_board()).timed_running(now) if i.product_id in products]
    for item in sorted(items, key=lambda i: i.sku_id is not None):  # the SKU's own item last, so it wins
        for sku_id, (product_id, price_fen) in lines.items():
            if product_id == item.product_id and item.sku_id in (None, sku_id):
                found[sku_id] = (item, timed_unit_price(price_fen, price_fen=item.price_fen,
                                                        percent_off_bp=item.percent_off_bp))
    return found


def units_bought(*, kind: str, campaign_id: int, member_id: int) -> int:
    return CampaignPurchase.objects.filter(kind=kind, campaign_id=campaign_id, member_id=member_id).aggregate(
        n=Sum("quantity"))["n"] or 0


# --- full reductions -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FullReductionInput:
    name: str
    starts_at: datetime | None
    ends_at: datetime | None
    kind: str = FullReduction.Kind.AMOUNT
    tiers: list[dict] = field(default_factory=list)  # [{"threshold_fen": .., "amount_fen" | "percent_off_bp": ..}]
    scope: str = Coupon.Scope.ALL
    scope_ids: list[int] = field(default_factory=list)


def full_reduction_problems(values: FullReductionInput) -> dict[str, list[str]]:
    errors = campaign_window_problems(values.name, values.starts_at, values.ends_at)
    if values.kind not in FullReduction.Kind.values:
        errors["kind"] = [_("请选择满减或满折。")]
        return errors
    worth = "amount_fen" if values.kind == FullReduction.Kind.AMOUNT else "percent_off_bp"
    tiers = values.tiers
    if not 1 <= len(tiers) <= 5:
        errors["tiers"] = [_("请设置 1 到 5 档优惠。")]
    elif any(t.get("threshold_fen", 0) <= 0 or t.get(worth, 0) <= 0 for t in tiers):
        errors["tiers"] = [_("每一档都要填写门槛和优惠。")]
    elif worth == "amount_fen" and any(t["amount_fen"] >= t["threshold_fen"] for t in tiers):
        errors["tiers"] = [_("每一档的减免须小于门槛。")]
    elif worth == "percent_off_bp" and any(t["percent_off_bp"] > 9900 for t in tiers):
        errors["tiers"] = [_("折扣须在 0.1 折到 9.9 折之间。")]
    elif any(a["threshold_fen"] >= b["threshold_fen"] or a[worth] >= b[worth] for a, b in pairwise(tiers)):
        errors["tiers"] = [_("门槛和优惠须逐档递增。")]
    if values.scope not in Coupon.Scope.values:
        errors["scope"] = [_("请选择适用范围。")]
    elif values.scope != Coupon.Scope.ALL and not values.scope_ids:
        errors["scope_ids"] = [_("请选择适用的分类或商品。")]
    return errors


@transaction.atomic
def full_reduction_create(*, values: FullReductionInput) -> FullReduction:
    starts_at, ends_at = campaign_window_checked(values, full_reduction_problems(values))
    worth = "amount_fen" if values.kind == FullReduction.Kind.AMOUNT else "percent_off_bp"
    board_forget()
    return FullReduction.objects.create(
        name=values.name.strip(), starts_at=starts_at, ends_at=ends_at, kind=values.kind,
        tiers=[{"threshold_fen": int(t["threshold_fen"]), worth: int(t[worth])} for t in values.tiers],
        scope=values.scope, scope_ids=sorted(set(values.scope_ids)) if values.scope != Coupon.Scope.ALL else [])


def tier_summary(reduction: FullReduction | Reduction, tier: dict) -> str:
    """"满 300 减 30", "满 500 打 9 折"."""
    if reduction.kind == FullReduction.Kind.AMOUNT:
        return _("满 %(t)s 减 %(a)s") % {"t": format_fen(tier["threshold_fen"]), "a": format_fen(tier["amount_fen"])}
    return _("满 %(t)s 打 %(r)s 折") % {"t": format_fen(tier["threshold_fen"]),
                                      "r": f"{(10000 - tier['percent_off_bp']) / 1000:g}"}


def tier_worth(reduction: FullReduction | Reduction, tier: dict, eligible_fen: int) -> int:
    if reduction.kind == FullReduction.Kind.AMOUNT:
        return min(tier["amount_fen"], eligible_fen)
    return eligible_fen * tier["percent_off_bp"] // 10000


def full_reductions_running(*, now: datetime | None = None) -> list[Reduction]:
    return campaigns_board().reductions_running(now or timezone.now())


# --- flash sales -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FlashItemInput:
    sku_id: int
    price_fen: int
    quota: int


@dataclass(frozen=True)
class FlashSaleInput:
    name: str
    starts_at: datetime | None
    ends_at: datetime | None
    items: list[FlashItemInput] = field(default_factory=list)
    per_member_limit: int = 1


def flash_sale_problems(values: FlashSaleInput) -> dict[str, list[str]]:
    errors = campaign_window_problems(values.name, values.starts_at, values.ends_at)
    if not 1 <= values.per_member_limit <= 99:
        errors["per_member_limit"] = [_("每人限购须在 1 到 99 之间。")]
    if not values.items or len({i.sku_id for i in values.items}) != len(values.items):
        errors["items"] = [_("请选择参加秒杀的规格（每个规格一次）。")]
        return errors
    skus = {s.pk: s for s in Sku.objects.select_related("product").filter(pk__in=[i.sku_id for i in values.items])}
    problems = []
    for item in values.items:
        sku = skus.get(item.sku_id)
        if sku is None or not sku.is_active or sku.product.status == Product.Status.DRAFT:
            problems.append(_("规格 %(id)s 不存在或不可售。") % {"id": item.sku_id})
        elif not 0 < item.price_fen < sku.price_fen:
            problems.append(_("「%(title)s」：秒杀价须大于 0 且低于原价 %(p)s 元。") % {
                "title": sku.product.title, "p": format_fen(sku.price_fen)})
        elif not 1 <= item.quota <= sku.stock:
            problems.append(_("「%(title)s」：秒杀数量须在 1 到库存 %(n)s 之间。") % {
                "title": sku.product.title, "n": sku.stock})
    if problems:
        errors["items"] = problems
    elif values.starts_at and values.ends_at and values.ends_at > values.starts_at:
        taken = (FlashSaleItem.objects.filter(_overlapping("flash_sale", values.starts_at, values.ends_at),
                                              sku_id__in=skus).values_list("sku__product__title", flat=True))
        if taken:
            errors["items"] = [_("「%(title)s」在这段时间已有秒杀。") % {"title": title} for title in set(taken)]
    return errors


@transaction.atomic
def flash_sale_create(*, values: FlashSaleInput) -> FlashSale:
    starts_at, ends_at = campaign_window_checked(values, flash_sale_problems(values))
    sale = FlashSale.objects.create(name=values.name.strip(), starts_at=starts_at, ends_at=ends_at,
                                    per_member_limit=values.per_member_limit)
    FlashSaleItem.objects.bulk_create([FlashSaleItem(flash_sale=sale, sku_id=i.sku_id, price_fen=i.price_fen,
                                                     quota=i.quota) for i in values.items])
    board_forget()
    return sale


# --- what orders take and give back ------------------------------------------------------------------------

def _refuse(message: str, code: str) -> Conflict:
    return Conflict(message, code=code, fields={"items": [message]})


def campaign_purchases_take(*, order_id: int, member_id: int, promotions: dict) -> None:
    """Inside the order's transaction: record what the order bought under each campaign, counting per-member
    limits under a lock on the member (their concurrent orders count one after another) and taking flash units
    by a conditional update (the database refuses to pass the quota). A refusal raises, and the order is not
    placed."""
    flash, discounts = promotions.get("flash"), promotions.get("timed_discounts", [])
    if flash or any(limit for _id, _units, _fen, limit in discounts):
        Member.objects.select_for_update().filter(pk=member_id).values_list("pk", flat=True).get()
    rows = []
    for discount_id, units, discount_fen, limit in discounts:
        if limit and units_bought(kind=P.TIMED_DISCOUNT, campaign_id=discount_id, member_id=member_id) + units > limit:
            raise _refuse(_("限时折扣每人限购 %(n)s 件，你已买过了。") % {"n": limit},
                          MarketingCode.DISCOUNT_LIMIT_REACHED)
        rows.append(CampaignPurchase(kind=P.TIMED_DISCOUNT, campaign_id=discount_id, member_id=member_id,
                                     order_id=order_id, quantity=units, discount_fen=discount_fen))
    if flash:
        item_id, units, limit = flash["item_id"], flash["quantity"], flash["limit"]
        if units_bought(kind=P.FLASH, campaign_id=item_id, member_id=member_id) + units > limit:
            raise _refuse(_("秒杀每人限购 %(n)s 件。") % {"n": limit}, MarketingCode.FLASH_LIMIT_REACHED)
        taken = FlashSaleItem.objects.filter(pk=item_id, sold_count__lte=F("quota") - units).update(
            sold_count=F("sold_count") + units)
        if not taken:
            raise _refuse(_("秒杀商品已抢光。"), MarketingCode.FLASH_SOLD_OUT)
        rows.append(CampaignPurchase(kind=P.FLASH, campaign_id=item_id, member_id=member_id, order_id=order_id,
                                     quantity=units, discount_fen=flash["discount_fen"]))
    if reduction := promotions.get("full_reduction"):
        rows.append(CampaignPurchase(kind=P.FULL_REDUCTION, campaign_id=reduction["id"], member_id=member_id,
                                     order_id=order_id, quantity=reduction["units"],
                                     discount_fen=reduction["discount_fen"]))
    CampaignPurchase.objects.bulk_create(rows)


def campaign_purchases_return(*, order_id: int) -> list[CampaignPurchase]:
    """A cancelled order's campaign purchases go (limits count them no more) and its flash units return to the
    quota. Returns the flash purchases given back."""
    purchases = list(CampaignPurchase.objects.filter(order_id=order_id))
    flash = [p for p in purchases if p.kind == P.FLASH]
    for purchase in flash:
        FlashSaleItem.objects.filter(pk=purchase.campaign_id).update(sold_count=F("sold_count") - purchase.quantity)
    CampaignPurchase.objects.filter(order_id=order_id).delete()
    return flash


# --- pause, resume, end ------------------------------------------------------------------------------------

CAMPAIGN = Transitions({
    "pause": ([S.ACTIVE], gettext_lazy("暂停")),
    "resume": ([S.PAUSED], gettext_lazy("恢复")),
    "end": ([S.ACTIVE, S.PAUSED], gettext_lazy("结束")),
}, refusal=gettext_lazy("活动状态为“%(status)s”，不能%(action)s。"))
_TARGET = {"pause": S.PAUSED, "resume": S.ACTIVE, "end": S.ENDED}


@transaction.atomic
def campaign_act(*, campaign: Campaign, action: str) -> Campaign:
    """Pause a campaign (its prices stop at once; held flash units stay with their orders), resume it, or end it."""
    campaign = type(campaign)._default_manager.select_for_update().get(pk=campaign.pk)
    CAMPAIGN.check(action, campaign.status, status_label=campaign.get_status_display())
    campaign.status = _TARGET[action]
    campaign.save(update_fields=["status"])
    board_forget()
    if isinstance(campaign, FlashSale):
        flash_state_changed(campaign)
    return campaign


def campaign_phase(campaign: Campaign, *, now: datetime | None = None) -> tuple[str, str]:
    """Where a campaign stands, as (code, label): upcoming, running, paused, over (its window passed) or ended."""
    now = now or timezone.now()
    if campaign.status == S.ENDED:
        return "ended", _("已结束")
    if campaign.status == S.PAUSED:
        return "paused", _("已暂停")
    if now < campaign.starts_at:
        return "upcoming", _("未开始")
    if now >= campaign.ends_at:
        return "over", _("已结束")
    return "running", _("进行中")


def campaign_rules(campaign: Campaign) -> str:
    """What a campaign gives, in a line: "3 件商品 8 折" / "满 300 减 30；满 500 减 60" / "面霜 ¥99 × 50"."""
    if isinstance(campaign, FullReduction):
        return _("；").join(tier_summary(campaign, tier) for tier in campaign.tiers)
    if isinstance(campaign, FlashSale):
        return _("；").join(_("%(title)s 秒杀价 %(price)s 元，已抢 %(sold)s / %(quota)s") % {
            "title": item.sku.product.title, "price": format_fen(item.price_fen), "sold": item.sold_count,
            "quota": item.quota} for item in campaign.items.all())
    if isinstance(campaign, GroupBuy):
        teams = list(campaign.teams.all())
        return _("%(title)s 拼团价 %(price)s 元，%(n)s 人团，%(h)s 小时内成团；开团 %(t)s，成团 %(f)s") % {
            "title": campaign.sku.product.title, "price": format_fen(campaign.price_fen), "n": campaign.group_size,
            "h": campaign.hours, "t": len(teams), "f": sum(team.status == "filled" for team in teams)}
    assert isinstance(campaign, TimedDiscount)
    items = list(campaign.items.all())
    offers = {(i.price_fen, i.percent_off_bp) for i in items}
    if len(offers) == 1:
        price_fen, percent_off_bp = offers.pop()
        offer = _("活动价 %(p)s 元") % {"p": format_fen(price_fen)} if price_fen is not None else \
            _("%(r)s 折") % {"r": f"{(10000 - percent_off_bp) / 1000:g}"}
    else:
        offer = _("多种优惠")
    text = _("%(n)s 件商品 %(offer)s") % {"n": len({i.product_id for i in items}), "offer": offer}
    if campaign.per_member_limit:
        text += _("，每人限购 %(n)s 件") % {"n": campaign.per_member_limit}
    return text
