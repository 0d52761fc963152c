"""Coupons: the store defines them; members claim them (never more than the quantity, never more than each
member may hold, under any crowd); an order uses one up and a cancelled order gives it back."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Conflict, NotFound, ValidationFailed
from core.money import format_fen
from core.transitions import Transitions
from tenants.members.models import Member

from .board import board_forget
from .error_codes import MarketingCode
from .models import Coupon, CouponCode, MarketingSettings, MemberCoupon
from .selectors import segment_member_ids

C = Coupon.Kind


@dataclass(frozen=True)
class CouponInput:
    name: str
    kind: str
    total_quantity: int
    amount_fen: int = 0
    percent_off_bp: int = 0
    max_discount_fen: int | None = None
    threshold_fen: int = 0
    scope: str = Coupon.Scope.ALL
    scope_ids: list[int] = field(default_factory=list)
    excluded_product_ids: list[int] = field(default_factory=list)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    valid_days: int | None = None
    per_member_limit: int = 1
    claimable: bool = True
    auto_issue: str = Coupon.AutoIssue.NONE


def coupon_problems(values: CouponInput) -> dict[str, list[str]]:
    """Every field that does not make a coupon, with what is wrong."""
    errors: dict[str, list[str]] = {}
    if not values.name.strip() or len(values.name) > 40:
        errors["name"] = [_("请填写优惠券名称（40 字以内）。")]
    if values.kind not in C.values:
        errors["kind"] = [_("请选择优惠券类型。")]
    if values.kind == C.AMOUNT_OFF and values.amount_fen <= 0:
        errors["amount_fen"] = [_("请填写优惠金额。")]
    if values.kind == C.AMOUNT_OFF and values.threshold_fen and values.amount_fen >= values.threshold_fen:
        errors["amount_fen"] = [_("优惠金额须小于使用门槛。")]
    if values.kind == C.PERCENT_OFF and not 1 <= values.percent_off_bp <= 9900:
        errors["percent_off_bp"] = [_("折扣须在 0.1 折到 9.99 折之间。")]
    if not 1 <= values.total_quantity <= 10_000_000:
        errors["total_quantity"] = [_("发行数量须在 1 到 10000000 之间。")]
    if not 1 <= values.per_member_limit <= 100:
        errors["per_member_limit"] = [_("每人限领须在 1 到 100 之间。")]
    if values.scope not in Coupon.Scope.values:
        errors["scope"] = [_("请选择适用范围。")]
    elif values.scope != Coupon.Scope.ALL and not values.scope_ids:
        errors["scope_ids"] = [_("请选择适用的分类或商品。")]
    if values.auto_issue not in Coupon.AutoIssue.values:
        errors["auto_issue"] = [_("请选择自动发放的时机。")]
    fixed = values.valid_from is not None and values.valid_until is not None
    if fixed == (values.valid_days is not None):
        errors["valid_days"] = [_("请设置固定有效期，或领取后有效天数（二选一）。")]
    elif fixed and values.valid_until <= values.valid_from:  # type: ignore[operator]
        errors["valid_until"] = [_("结束时间须晚于开始时间。")]
    elif values.valid_days is not None and not 1 <= values.valid_days <= 365:
        errors["valid_days"] = [_("有效天数须在 1 到 365 之间。")]
    return errors


@transaction.atomic
def coupon_create(*, values: CouponInput) -> Coupon:
    if errors := coupon_problems(values):
        raise ValidationFailed(_("请修正标出的字段。"), fields=errors)
    board_forget()  # the product pages offer claimable coupons from the kept board
    return Coupon.objects.create(
        name=values.name.strip(), kind=values.kind, amount_fen=values.amount_fen if values.kind == C.AMOUNT_OFF else 0,
        percent_off_bp=values.percent_off_bp if values.kind == C.PERCENT_OFF else 0,
        max_discount_fen=values.max_discount_fen if values.kind == C.PERCENT_OFF else None,
        threshold_fen=values.threshold_fen, scope=values.scope,
        scope_ids=sorted(set(values.scope_ids)) if values.scope != Coupon.Scope.ALL else [],
        excluded_product_ids=sorted(set(values.excluded_product_ids)), valid_from=values.valid_from,
        valid_until=values.valid_until, valid_days=values.valid_days, total_quantity=values.total_quantity,
        per_member_limit=values.per_member_limit, claimable=values.claimable, auto_issue=values.auto_issue)


def coupon_summary(coupon: Coupon) -> str:
    """What the coupon gives, as a shopper reads it: "满 199 减 30", "8.5 折，最多减 50", "包邮"."""
    over = _("满 %(t)s ") % {"t": format_fen(coupon.threshold_fen)} if coupon.threshold_fen else _("无门槛 ")
    if coupon.kind == C.AMOUNT_OFF:
        return over + _("减 %(a)s") % {"a": format_fen(coupon.amount_fen)}
    if coupon.kind == C.PERCENT_OFF:
        text = over + _("%(r)s 折") % {"r": f"{(10000 - coupon.percent_off_bp) / 1000:g}"}
        if coupon.max_discount_fen:
            text += _("，最多减 %(m)s") % {"m": format_fen(coupon.max_discount_fen)}
        return text
    return over + _("包邮")


def _window(coupon: Coupon, now: datetime) -> tuple[datetime, datetime]:
    if coupon.valid_days is not None:
        return now, now + timedelta(days=coupon.valid_days)
    assert coupon.valid_from is not None and coupon.valid_until is not None
    return coupon.valid_from, coupon.valid_until


@transaction.atomic
def coupon_claim(*, member: Member, coupon_id: int, now: datetime | None = None,
                 source: str = MemberCoupon.Source.CLAIM) -> MemberCoupon:
    """One of the coupon for the member. Counted like stock: one conditional update takes a unit while any is
    left (and the database refuses to over-issue regardless); the member's row is locked so their own
    concurrent claims are counted one after another against their limit."""
    now = now or timezone.now()
    coupon = Coupon.objects.filter(pk=coupon_id).first()
    if coupon is None or (source == MemberCoupon.Source.CLAIM and not coupon.claimable):
        raise NotFound(_("没有这张优惠券。"))
    if coupon.status != Coupon.Status.ACTIVE or (coupon.valid_until is not None and coupon.valid_until <= now):
        raise Conflict(_("这张优惠券已停止领取。"), code=MarketingCode.COUPON_NOT_CLAIMABLE)
    Member.objects.select_for_update().filter(pk=member.pk).first()
    held = MemberCoupon.objects.filter(member=member, coupon=coupon).count()
    if held >= coupon.per_member_limit:
        raise Conflict(_("每人限领 %(n)s 张，你已领过了。") % {"n": coupon.per_member_limit},
                       code=MarketingCode.COUPON_LIMIT_REACHED)
    taken = Coupon.objects.filter(pk=coupon.pk, issued_count__lt=F("total_quantity"),
                                  status=Coupon.Status.ACTIVE).update(issued_count=F("issued_count") + 1)
    if not taken:
        raise Conflict(_("优惠券已被领完。"), code=MarketingCode.COUPON_GONE)
    if coupon.issued_count + 1 >= coupon.total_quantity:  # (at most) the last unit: the pages stop offering it
        board_forget()
    valid_from, valid_until = _window(coupon, now)
    return MemberCoupon.objects.create(coupon=coupon, member=member, source=source, valid_from=valid_from,
                                       valid_until=valid_until, claimed_at=now)


def usable_coupons(*, member_id: int, now: datetime | None = None) -> list[MemberCoupon]:
    """The member's coupons that an order could use now (of coupons not ended), soonest to expire first."""
    now = now or timezone.now()
    return list(MemberCoupon.objects.filter(member_id=member_id, status=MemberCoupon.Status.UNUSED,
                                            valid_from__lte=now, valid_until__gt=now)
                .exclude(coupon__status=Coupon.Status.ENDED).select_related("coupon"))


def coupons_use(*, member_id: int, order_id: int, member_coupon_ids: list[int], now: datetime | None = None,
                discounts: dict[str, int] | None = None) -> None:
    """The order takes its coupons (and notes what each took off, ``discounts`` by member coupon id): each must
    still be the member's, unused and valid (a twin order that took it first makes this one fail, and the order
    is not placed)."""
    if not member_coupon_ids:
        return
    now = now or timezone.now()
    used = MemberCoupon.objects.filter(
        Q(pk__in=member_coupon_ids), member_id=member_id, status=MemberCoupon.Status.UNUSED,
        valid_from__lte=now, valid_until__gt=now).update(status=MemberCoupon.Status.USED, order_id=order_id,
                                                         used_at=now)
    if used != len(set(member_coupon_ids)):
        raise Conflict(_("优惠券已被使用或已过期，请重新选择。"), code=MarketingCode.COUPON_NOT_USABLE,
                       fields={"coupon_ids": [_("优惠券已被使用或已过期。")]})
    for pk, fen in (discounts or {}).items():
        MemberCoupon.objects.filter(pk=int(pk)).update(discount_fen=fen)


def coupons_return(*, order_id: int) -> int:
    """A cancelled order gives its coupons back (still within their validity, they can be used again)."""
    return MemberCoupon.objects.filter(order_id=order_id, status=MemberCoupon.Status.USED).update(
        status=MemberCoupon.Status.UNUSED, order_id=None, used_at=None, discount_fen=0)


COUPON = Transitions({
    "pause": ([Coupon.Status.ACTIVE], gettext_lazy("暂停发放")),
    "resume": ([Coupon.Status.PAUSED], gettext_lazy("恢复发放")),
    "end": ([Coupon.Status.ACTIVE, Coupon.Status.PAUSED], gettext_lazy("结束发放")),
}, refusal=gettext_lazy("优惠券状态为“%(status)s”，不能%(action)s。"))
_TARGET = {"pause": Coupon.Status.PAUSED, "resume": Coupon.Status.ACTIVE, "end": Coupon.Status.ENDED}


@transaction.atomic
def coupon_act(*, coupon: Coupon, action: str) -> Coupon:
    """Pause claiming (held coupons stay usable), resume it, or end the coupon (no more claims, and held ones
    can no longer be used)."""
    coupon = Coupon.objects.select_for_update().get(pk=coupon.pk)
    COUPON.check(action, coupon.status, status_label=coupon.get_status_display())
    coupon.status = _TARGET[action]
    coupon.save(update_fields=["status"])
    board_forget()
    return coupon


# --- issuing: by the merchant, on events, by redemption code ----------------------------------------------

@dataclass(frozen=True)
class Issued:
    issued: int
    skipped: int  # members at their limit, or after the coupon ran out


def coupon_issue(*, coupon_id: int, member_ids: list[int], source: str = MemberCoupon.Source.MERCHANT) -> Issued:
    """Give the coupon to each member (the merchant's 发放, or an event's): counted like a claim, so never more
    than the quantity, nor more than each may hold; those who cannot get one are skipped, not refused."""
    issued = skipped = 0
    members = Member.objects.filter(pk__in=member_ids, is_active=True).order_by("pk")
    for member in members.iterator(chunk_size=500):
        try:
            coupon_claim(member=member, coupon_id=coupon_id, source=source)
            issued += 1
        except Conflict as refusal:
            skipped += 1
            if refusal.code in (MarketingCode.COUPON_GONE, MarketingCode.COUPON_NOT_CLAIMABLE):
                skipped = len(member_ids) - issued
                break
    return Issued(issued=issued, skipped=skipped)


def coupon_issue_to(*, coupon_id: int, segment: str = "", phones: list[str] | None = None) -> Issued:
    """The merchant's 发放: to a segment of members (selectors.SEGMENTS), or to the members with these phones."""
    member_ids = segment_member_ids(segment) if segment else list(
        Member.objects.filter(phone__in=phones or []).values_list("pk", flat=True))
    return coupon_issue(coupon_id=coupon_id, member_ids=member_ids)


def coupons_auto_issue(*, trigger: str, member_id: int) -> int:
    """The coupons set to be given on ``trigger`` (新人券 on joining, 首单奖励 after the first payment) go to the
    member; one that ran out or was ended is skipped. Returns how many were given."""
    given = 0
    for coupon_id in Coupon.objects.filter(auto_issue=trigger, status=Coupon.Status.ACTIVE).values_list("pk",
                                                                                                       flat=True):
        given += coupon_issue(coupon_id=coupon_id, member_ids=[member_id], source=MemberCoupon.Source.EVENT).issued
    return given


CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are typed from a card or a screen
CODE_LENGTH = 10


@transaction.atomic
def coupon_codes_generate(*, coupon: Coupon, count: int) -> list[CouponCode]:
    """``count`` new redemption codes for the coupon (each redeems one coupon, counted like a claim)."""
    if not 1 <= count <= 10_000:
        message = _("一次可生成 1 到 10000 个兑换码。")
        raise ValidationFailed(message, fields={"count": [message]})
    codes: set[str] = set()
    while len(codes) < count:
        codes.add("".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH)))
    return CouponCode.objects.bulk_create([CouponCode(coupon=coupon, code=code) for code in sorted(codes)],
                                          ignore_conflicts=True)


@transaction.atomic
def coupon_code_redeem(*, member: Member, code: str) -> MemberCoupon:
    """The member enters a redemption code: its coupon is theirs (once per code, within the coupon's limits)."""
    cleaned = "".join(code.split()).upper()
    found = CouponCode.objects.select_for_update().filter(code=cleaned).first()
    if found is None:
        message = _("兑换码不正确。")
        raise ValidationFailed(message, code=MarketingCode.CODE_WRONG, fields={"code": [message]})
    if found.redeemed_at is not None:
        message = _("这个兑换码已经用过了。")
        raise Conflict(message, code=MarketingCode.CODE_USED, fields={"code": [message]})
    held = coupon_claim(member=member, coupon_id=found.coupon_id, source=MemberCoupon.Source.CODE)
    found.member, found.redeemed_at = member, held.claimed_at
    found.save(update_fields=["member", "redeemed_at"])
    return held


def marketing_settings_get() -> MarketingSettings:
    return MarketingSettings.objects.first() or MarketingSettings.objects.create()


def coupons_return_on_refund(*, order_id: int, fully_refunded: bool, now: datetime | None = None) -> int:
    """A fully refunded order gives back its coupons still valid, when the store says so."""
    if not fully_refunded or not marketing_settings_get().return_coupons_on_refund:
        return 0
    now = now or timezone.now()
    return MemberCoupon.objects.filter(order_id=order_id, status=MemberCoupon.Status.USED,
                                       valid_until__gt=now).update(status=MemberCoupon.Status.UNUSED, order_id=None,
                                                                   used_at=None, discount_fen=0)


@transaction.atomic
def marketing_settings_update(*, return_coupons_on_refund: bool, store_coupons_per_order: int = 1) -> MarketingSettings:
    """The store's promotion rules: coupons back on a full refund; how many store coupons an order may stack
    (1 to 3, with one free-shipping coupon besides)."""
    if not 1 <= store_coupons_per_order <= 3:
        message = _("每单可叠加 1 到 3 张店铺优惠券。")
        raise ValidationFailed(message, fields={"store_coupons_per_order": [message]})
    rules = MarketingSettings.objects.select_for_update().get(pk=marketing_settings_get().pk)
    rules.return_coupons_on_refund = return_coupons_on_refund
    rules.store_coupons_per_order = store_coupons_per_order
    rules.save(update_fields=["return_coupons_on_refund", "store_coupons_per_order"])
    board_forget()  # the pricing reads the stacking rule from the kept board
    return rules
