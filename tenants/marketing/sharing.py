"""分享奖励: a member's share link (``?sc=<code>``) that brings a new member earns the sharer the store's reward, and so
does that member's first paid order (within the store's window after joining). Never for a click alone, never for
oneself, never from a device the sharer uses, at most the store's daily cap a day; an order's reward is taken back
when the order is refunded in full (points taken back, coupons still unused made void).

A referral is recorded when a browser that came through a share link signs in as a member who has just joined
(``share_referral_record``, called by the H5 sign-in with the link's code and the browser's device id)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Conflict, ValidationFailed
from tenants.loyalty.points import points_grant, points_reclaim
from tenants.members.models import Member
from tenants.orders.models import Order

from .models import Coupon, MemberCoupon, ShareCode, ShareReferral, ShareReward, ShareRewardSettings
from .services import coupon_claim

CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
JOINED_JUST_NOW = timedelta(hours=1)  # a sign-in this soon after the member was made is their joining
REFUSALS = {"self": gettext_lazy("不能邀请自己"), "device": gettext_lazy("同一设备"),
            "cap": gettext_lazy("超过每日上限"), "off": gettext_lazy("分享奖励未开启")}


def share_settings_get() -> ShareRewardSettings:
    return ShareRewardSettings.objects.first() or ShareRewardSettings.objects.create()


def share_code_for(*, member: Member, device_id: str = "") -> ShareCode:
    """The member's share code (made on first use); the device they share from is remembered."""
    code = ShareCode.objects.filter(member=member).first()
    while code is None:
        try:
            with transaction.atomic():
                code = ShareCode.objects.create(member=member, code="".join(
                    secrets.choice(CODE_ALPHABET) for _n in range(8)))
        except IntegrityError:  # the member's code made at the same moment, or (rarely) a code taken: look again
            code = ShareCode.objects.filter(member=member).first()
    if device_id and device_id not in code.devices:
        code.devices = [*code.devices[-19:], device_id]
        code.save(update_fields=["devices"])
    return code


def sharer_of_code(code: str) -> Member | None:
    found = ShareCode.objects.select_related("member").filter(code=code[:12]).first()
    return found.member if found is not None and found.member.is_active else None


def _sharer_devices(sharer: Member) -> set[str]:
    own = set(ShareCode.objects.filter(member=sharer).values_list("devices", flat=True).first() or [])
    return own | set(Order.objects.filter(member=sharer).exclude(device_id="").values_list("device_id", flat=True)
                     .distinct()[:50])


def _reward(*, referral: ShareReferral, kind: str, points: int, with_coupons: bool, order_id: int | None = None,
            now: datetime) -> ShareReward:
    """Give (or refuse, saying why) the sharer's reward of ``kind`` for the referral, once."""
    rules = share_settings_get()
    sharer = Member.objects.select_for_update().get(pk=referral.sharer_id)  # the daily cap counts one at a time
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    reason = ""
    if not rules.enabled:
        reason = "off"
    elif ShareReward.objects.filter(sharer=sharer, status=ShareReward.Status.GIVEN,
                                    created_at__gte=today).count() >= rules.daily_cap:
        reason = "cap"
    elif referral.device_id and referral.device_id in _sharer_devices(sharer):
        reason = "device"
    reward = ShareReward(referral=referral, sharer=sharer, kind=kind, order_id=order_id,
                         status=ShareReward.Status.REFUSED if reason else ShareReward.Status.GIVEN,
                         reason=reason)
    try:
        with transaction.atomic():
            reward.save()
    except IntegrityError:  # rewarded already (a retried event)
        return ShareReward.objects.get(referral=referral, kind=kind)
    if reason:
        return reward
    memo = _("分享奖励：%(what)s") % {"what": ShareReward.Kind(kind).label}
    if points and points_grant(member_id=sharer.pk, points=points, key=f"share:{reward.pk}", memo=memo):
        reward.points = points
    if with_coupons:
        for coupon_id in Coupon.objects.filter(auto_issue=Coupon.AutoIssue.SHARE_REWARD,
                                               status=Coupon.Status.ACTIVE).values_list("pk", flat=True):
            try:
                held = coupon_claim(member=sharer, coupon_id=coupon_id, source=MemberCoupon.Source.EVENT, now=now)
            except Conflict:
                continue  # run out, or the sharer holds as many as they may: the points still stand
            reward.member_coupon_ids.append(held.pk)
    reward.save(update_fields=["points", "member_coupon_ids"])
    return reward


@transaction.atomic
def share_referral_record(*, member: Member, code: str, device_id: str = "",
                          now: datetime | None = None) -> ShareReferral | None:
    """A browser that came through the share link ``code`` signed in as ``member``: when the member has just joined
    (and was brought by nobody yet), the referral is recorded and the sharer rewarded for the new member."""
    now = now or timezone.now()
    sharer = sharer_of_code(code)
    if sharer is None or member.created_at < now - JOINED_JUST_NOW or ShareReferral.objects.filter(
            member=member).exists():
        return None
    if sharer.pk == member.pk:
        return None  # one's own link brings nobody
    try:
        with transaction.atomic():
            referral = ShareReferral.objects.create(member=member, sharer=sharer, device_id=device_id[:64])
    except IntegrityError:
        return None
    rules = share_settings_get()
    _reward(referral=referral, kind=ShareReward.Kind.NEW_MEMBER, points=rules.new_member_points,
            with_coupons=rules.new_member_coupons, now=now)
    return referral


def share_order_paid(*, order_id: int, now: datetime | None = None) -> ShareReward | None:
    """The referred member's first paid order, within the window after joining, rewards the sharer."""
    now = now or timezone.now()
    member_id, seq, device_id = Order.objects.filter(pk=order_id).values_list(
        "member_id", "member_paid_seq", "device_id").get()
    referral = ShareReferral.objects.filter(member_id=member_id).first()
    if referral is None or seq != 1:
        return None
    rules = share_settings_get()
    if referral.created_at < now - timedelta(days=rules.window_days):
        return None
    if device_id and not referral.device_id:
        referral.device_id = device_id[:64]
        referral.save(update_fields=["device_id"])
    return _reward(referral=referral, kind=ShareReward.Kind.ORDER, points=rules.order_points,
                   with_coupons=rules.order_coupons, order_id=order_id, now=now)


def share_order_refunded(*, order_id: int) -> ShareReward | None:
    """An order refunded in full takes back the reward it earned: the points (as far as the sharer still has
    them) and the coupons the sharer has not used (made void)."""
    reward = ShareReward.objects.select_for_update().filter(order_id=order_id, kind=ShareReward.Kind.ORDER,
                                                            status=ShareReward.Status.GIVEN).first()
    if reward is None:
        return None
    if reward.points:
        points_reclaim(member_id=reward.sharer_id, points=reward.points, key=f"share:{reward.pk}:reversed",
                       memo=_("好友订单已退款，分享奖励撤回"))
    MemberCoupon.objects.filter(Q(pk__in=reward.member_coupon_ids), status=MemberCoupon.Status.UNUSED).update(
        status=MemberCoupon.Status.VOID)
    reward.status = ShareReward.Status.REVERSED
    reward.save(update_fields=["status"])
    return reward


@transaction.atomic
def share_settings_update(*, enabled: bool, new_member_points: int, new_member_coupons: bool, order_points: int,
                          order_coupons: bool, daily_cap: int, window_days: int) -> ShareRewardSettings:
    fields: dict[str, list[str]] = {}
    if not 1 <= daily_cap <= 1000:
        fields["daily_cap"] = [_("每日上限须在 1 到 1000 之间。")]
    if not 1 <= window_days <= 365:
        fields["window_days"] = [_("首单期限须在 1 到 365 天之间。")]
    if enabled and not (new_member_points or order_points or new_member_coupons or order_coupons):
        fields["order_points"] = [_("请设置奖励：积分或优惠券。")]
    for name, value in (("new_member_points", new_member_points), ("order_points", order_points)):
        if value > 100_000:
            fields[name] = [_("奖励积分最多 100000。")]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    rules = ShareRewardSettings.objects.select_for_update().get(pk=share_settings_get().pk)
    rules.enabled, rules.new_member_points, rules.new_member_coupons = enabled, new_member_points, new_member_coupons
    rules.order_points, rules.order_coupons = order_points, order_coupons
    rules.daily_cap, rules.window_days = daily_cap, window_days
    rules.save()
    return rules


def share_figures() -> dict[str, int]:
    """What invitations brought: new members, first orders, points given, rewards taken back or refused."""
    return ShareReward.objects.aggregate(
        members=Count("pk", filter=Q(kind=ShareReward.Kind.NEW_MEMBER)),
        orders=Count("pk", filter=Q(kind=ShareReward.Kind.ORDER)),
        points=Sum("points", filter=Q(status=ShareReward.Status.GIVEN), default=0),
        reversed=Count("pk", filter=Q(status=ShareReward.Status.REVERSED)),
        refused=Count("pk", filter=Q(status=ShareReward.Status.REFUSED)))


def share_rewards_latest(*, sharer: Member | None = None, limit: int = 50) -> list[ShareReward]:
    rewards = ShareReward.objects.select_related("sharer", "referral__member")
    return list((rewards.filter(sharer=sharer) if sharer is not None else rewards)[:limit])
