"""Members' points on the ledger: granting, spending at checkout, returning and taking back on cancellations and
refunds, staff adjustments, daily sign-in.

Each change is one balanced journal between the member's ``member_points`` account and one of the store's points
accounts (issued, redeemed, expired), keyed so that a retried call changes nothing. A debit locks the member's
account row first and reads the balance under that lock, so two checkouts at the same moment can never spend the
same points twice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, ValidationFailed
from tenants.ledger.models import Account, Journal
from tenants.ledger.services import Line, account_for, journal_post
from tenants.orders.models import OrderLine

from .error_codes import LoyaltyCode
from .models import REDEEM_RATES, LinePoints, LoyaltySettings, SignIn

K = Account.Kind


def loyalty_settings_get() -> LoyaltySettings:
    rules, _created = LoyaltySettings.objects.get_or_create(singleton=1)
    return rules


def points_balance(*, member_id: int) -> int:
    return Account.objects.filter(kind=K.MEMBER_POINTS, owner_id=member_id).values_list(
        "balance_fen", flat=True).first() or 0


def _member_account(member_id: int, *, lock: bool = False) -> Account:
    account = account_for(kind=K.MEMBER_POINTS, owner_id=member_id)
    return Account.objects.select_for_update().get(pk=account.pk) if lock else account


def _credit(*, member_id: int, points: int, key: str, kind: str, counter: str, memo: str,
            reference: str = "") -> bool:
    if points <= 0:
        return False
    _journal, created = journal_post(kind=kind, idempotency_key=key, reference=reference, memo=memo, lines=[
        Line(_member_account(member_id), points), Line(account_for(kind=counter), -points)])
    return created


def points_grant(*, member_id: int, points: int, key: str, memo: str, reference: str = "",
                 kind: str = Journal.Kind.POINTS_GRANT) -> bool:
    """Give a member points from the store (sign-in, review, share reward, staff). Returns whether it was given
    now (False: that key was given before)."""
    return _credit(member_id=member_id, points=points, key=key, kind=kind, counter=K.STORE_POINTS_ISSUED, memo=memo,
                   reference=reference)


def _debit(*, member_id: int, points: int, key: str, kind: str, counter: str, memo: str, reference: str = "",
           allow_short: bool = False, allow_negative: bool = False) -> int:
    """Take points off a member under a lock on their account. Refused when the balance is short, unless
    ``allow_negative`` (the balance goes below zero) or ``allow_short`` (what is there is taken). Returns what
    was taken."""
    account = _member_account(member_id, lock=True)
    if Journal.objects.filter(idempotency_key=key).exists():
        return 0
    taken = points
    if points > account.balance_fen and not allow_negative:
        if not allow_short:
            short = _("积分不足，当前可用 %(balance)d。") % {"balance": account.balance_fen}
            raise Conflict(_("积分不足。"), code=LoyaltyCode.POINTS_NOT_ENOUGH, fields={"points": [short]})
        taken = max(account.balance_fen, 0)
    if taken > 0:
        journal_post(kind=kind, idempotency_key=key, reference=reference, memo=memo,
                     lines=[Line(account, -taken), Line(account_for(kind=counter), taken)])
    return taken


@transaction.atomic
def points_adjust(*, member_id: int, points: int, reason: str, actor: str, key: str) -> None:
    """Staff add (positive) or remove (negative) points by hand, with the reason on the journal. Removing more
    than the member has is refused."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("请填写调整原因。"), fields={"reason": [_("请填写调整原因。")]})
    if points == 0:
        raise ValidationFailed(_("调整的积分不能为 0。"), fields={"points": [_("调整的积分不能为 0。")]})
    memo = f"{actor}: {reason}"[:300]
    if points > 0:
        points_grant(member_id=member_id, points=points, key=key, memo=memo, kind=Journal.Kind.POINTS_ADJUST)
    else:
        _debit(member_id=member_id, points=-points, key=key, kind=Journal.Kind.POINTS_ADJUST,
               counter=K.STORE_POINTS_ISSUED, memo=memo)


# --- orders -----------------------------------------------------------------------------------------------

def points_spend_on_order(*, member_id: int, order_id: int, order_number: str, points: int,
                          shares: dict[int, tuple[int, int]]) -> None:
    """The order placed takes the points its checkout used (``shares``: line position -> (points, fen)); a
    balance another checkout spent first makes this order fail (it is not placed)."""
    if points <= 0:
        return
    _debit(member_id=member_id, points=points, key=f"points:spend:{order_id}", kind=Journal.Kind.POINTS_SPEND,
           counter=K.STORE_POINTS_REDEEMED, memo=_("订单抵扣"), reference=order_number)
    line_ids = dict(OrderLine.objects.filter(order_id=order_id).values_list("position", "pk"))
    LinePoints.objects.bulk_create([
        LinePoints(order_line_id=line_ids[position], order_id=order_id, member_id=member_id, spent=pts, spent_fen=fen)
        for position, (pts, fen) in sorted(shares.items()) if pts > 0])


def _locked_lines(order_id: int) -> list[LinePoints]:
    """The order's line points, locked (found by its lines' ids: the table keeps no index of orders)."""
    line_ids = list(OrderLine.objects.filter(order_id=order_id).values_list("pk", flat=True))
    return list(LinePoints.objects.select_for_update().filter(order_line_id__in=line_ids).order_by("order_line_id"))


def points_return_on_cancel(*, order_id: int, order_number: str) -> int:
    """A cancelled (unpaid) order gives back every point it spent."""
    lines = _locked_lines(order_id)
    back = sum(line.spent - line.spent_returned for line in lines)
    if back <= 0:
        return 0
    _credit(member_id=lines[0].member_id, points=back, key=f"points:return:{order_id}:cancel",
            kind=Journal.Kind.POINTS_RETURN, counter=K.STORE_POINTS_REDEEMED, memo=_("订单取消，积分退回"),
            reference=order_number)
    for line in lines:
        line.spent_returned = line.spent
    LinePoints.objects.bulk_update(lines, ["spent_returned"])
    return back


def points_settle_refund(*, order_id: int, order_number: str, refunded: Iterable[OrderLine],
                         rules: LoyaltySettings) -> tuple[int, int]:
    """After a refund: give back the points spent on the refunded units (by quantity, cumulatively, so every
    refund of a line adds up to exactly what it spent) and take back what the refunded amount had earned
    (cumulatively over the line's net paid amount). Returns (returned, taken back)."""
    by_line = {line.pk: line for line in refunded}
    lines = [lp for lp in _locked_lines(order_id) if lp.order_line_id in by_line]
    if not lines:
        return 0, 0
    member_id = lines[0].member_id
    returned = reversed_ = 0
    for lp in lines:
        ol = by_line[lp.order_line_id]
        target_returned = lp.spent * min(ol.refunded_quantity, ol.quantity) // ol.quantity
        returned += target_returned - lp.spent_returned
        lp.spent_returned = max(lp.spent_returned, target_returned)
        if lp.earned and lp.earned_base_fen:
            left_fen = max(ol.paid_fen - ol.refunded_fen, 0)
            target_reversed = lp.earned - lp.earned * min(left_fen, lp.earned_base_fen) // lp.earned_base_fen
            reversed_ += max(target_reversed - lp.earned_reversed, 0)
            lp.earned_reversed = max(lp.earned_reversed, target_reversed)
    total_returned = sum(lp.spent_returned for lp in lines)
    total_reversed = sum(lp.earned_reversed for lp in lines)
    _credit(member_id=member_id, points=returned, key=f"points:return:{order_id}:{total_returned}",
            kind=Journal.Kind.POINTS_RETURN, counter=K.STORE_POINTS_REDEEMED, memo=_("退款退回积分"),
            reference=order_number)
    if reversed_ > 0:
        taken = _debit(member_id=member_id, points=reversed_, key=f"points:reverse:{order_id}:{total_reversed}",
                       kind=Journal.Kind.POINTS_REVERSE, counter=K.STORE_POINTS_ISSUED, memo=_("退款扣回积分"),
                       reference=order_number, allow_short=True, allow_negative=rules.allow_negative)
        if taken < reversed_:
            lines[0].reverse_written_off += reversed_ - taken
    LinePoints.objects.bulk_update(lines, ["spent_returned", "earned_reversed", "reverse_written_off"])
    return returned, reversed_


# --- sign-in ----------------------------------------------------------------------------------------------

@transaction.atomic
def points_sign_in(*, member_id: int, now: datetime | None = None) -> SignIn:
    """签到: once a store day; the Nth day in a row (the store's streak) earns the bonus besides."""
    rules = loyalty_settings_get()
    if not rules.points_enabled:
        raise Conflict(_("本店未开启积分。"), code=LoyaltyCode.POINTS_OFF)
    today = timezone.localdate(now or timezone.now())
    yesterday = SignIn.objects.filter(member_id=member_id, day=today - timedelta(days=1)).first()
    streak = yesterday.streak + 1 if yesterday else 1
    bonus = rules.sign_in_streak_bonus if rules.sign_in_streak_days and streak % rules.sign_in_streak_days == 0 else 0
    points = rules.sign_in_points + bonus
    try:
        with transaction.atomic():
            sign_in = SignIn.objects.create(member_id=member_id, day=today, streak=streak, points=points)
    except IntegrityError:
        raise Conflict(_("今天已经签到过了。"), code=LoyaltyCode.SIGNED_IN_TODAY) from None
    memo = _("连续签到 %(days)d 天") % {"days": streak} if bonus else _("每日签到")
    points_grant(member_id=member_id, points=points, key=f"points:sign-in:{member_id}:{today.isoformat()}", memo=memo)
    return sign_in


# --- the store's rules ------------------------------------------------------------------------------------

POINTS_RULE_FIELDS = ("points_enabled", "earn_points_per_yuan", "redeem_points_per_yuan", "redeem_max_share_bp",
                      "redeem_min_points", "sign_in_points", "sign_in_streak_days", "sign_in_streak_bonus",
                      "review_points", "expiry", "expiry_days", "allow_negative")


@transaction.atomic
def loyalty_settings_update(**values) -> LoyaltySettings:
    """The store's points rules, every field checked; nothing is saved unless all are right."""
    fields: dict[str, list[str]] = {}
    if values["redeem_points_per_yuan"] not in REDEEM_RATES:
        fields["redeem_points_per_yuan"] = [_("抵扣比例须为 %(rates)s 之一（1 积分为整数分）。") % {
            "rates": "、".join(str(rate) for rate in REDEEM_RATES)}]
    if not 0 <= values["redeem_max_share_bp"] <= 10_000:
        fields["redeem_max_share_bp"] = [_("最多抵扣比例须在 0% 到 100% 之间。")]
    if not 0 <= values["earn_points_per_yuan"] <= 100:
        fields["earn_points_per_yuan"] = [_("每元得积分须在 0 到 100 之间。")]
    if values["expiry"] not in LoyaltySettings.Expiry.values:
        fields["expiry"] = [_("请选择过期规则。")]
    elif values["expiry"] == LoyaltySettings.Expiry.ROLLING and not 30 <= values["expiry_days"] <= 3650:
        fields["expiry_days"] = [_("有效天数须在 30 到 3650 天之间。")]
    if values["sign_in_streak_bonus"] and not 2 <= values["sign_in_streak_days"] <= 31:
        fields["sign_in_streak_days"] = [_("连续签到天数须在 2 到 31 天之间。")]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    rules = LoyaltySettings.objects.select_for_update().get(pk=loyalty_settings_get().pk)
    for name in POINTS_RULE_FIELDS:
        setattr(rules, name, values[name])
    rules.save(update_fields=list(POINTS_RULE_FIELDS))
    return rules


def points_reclaim(*, member_id: int, points: int, key: str, memo: str, reference: str = "") -> int:
    """Take back points given earlier whose cause was undone (a reward for an order since refunded): as many as
    the member still has, never below zero. Returns what was taken."""
    return _debit(member_id=member_id, points=points, key=key, kind=Journal.Kind.POINTS_REVERSE,
                  counter=K.STORE_POINTS_ISSUED, memo=memo, reference=reference, allow_short=True)
