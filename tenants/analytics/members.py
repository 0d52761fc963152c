"""The merchant's view of members (CRM): the member list with what each has bought, their points and whether they
distribute, filtered; and one member's whole record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tenants.distribution.models import Binding, Distributor
from tenants.ledger.models import Account, Entry
from tenants.loyalty.selectors import points_history
from tenants.marketing.models import MemberCoupon
from tenants.members.models import Member
from tenants.orders.models import Order

PAID = Q(paid_at__isnull=False)


@dataclass(frozen=True)
class MemberFilter:
    q: str = ""  # phone, nickname or member id
    joined_from: date | None = None
    joined_to: date | None = None
    buyers: str = ""  # "" every member, "yes" has paid, "no" never paid
    distributor: str = ""  # "" either, "yes", "no"
    min_spend_fen: int | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def members_for_console(*, filters: MemberFilter | None = None) -> QuerySet[Member]:
    """Members, newest first, each with ``order_count`` and ``spend_fen`` (paid orders, net of refunds),
    ``last_paid_at``, ``points`` and ``is_distributor``."""
    f = filters or MemberFilter()
    paid = Order.objects.filter(PAID, member_id=OuterRef("pk")).values("member_id")
    points = Account.objects.filter(kind=Account.Kind.MEMBER_POINTS, owner_id=OuterRef("pk")).values("balance_fen")
    members = Member.objects.annotate(
        order_count=Coalesce(Subquery(paid.annotate(n=Count("pk")).values("n")), Value(0), output_field=IntegerField()),
        spend_fen=Coalesce(Subquery(paid.annotate(s=Sum(F("paid_fen") - F("refunded_fen"))).values("s")), Value(0),
                           output_field=IntegerField()),
        last_paid_at=Subquery(paid.annotate(last=Max("paid_at")).values("last")),
        points=Coalesce(Subquery(points[:1]), Value(0), output_field=IntegerField()),
        distributor_code=Subquery(Distributor.objects.filter(member_id=OuterRef("pk")).values("code")[:1]),
    ).order_by("-created_at", "-pk")
    text = f.q.strip()
    if text:
        match = Q(phone__contains=text) | Q(nickname__icontains=text)
        members = members.filter(match | Q(pk=int(text)) if text.isdigit() and len(text) < 12 else match)
    if f.joined_from:
        members = members.filter(created_at__gte=_day_start(f.joined_from))
    if f.joined_to:
        members = members.filter(created_at__lt=_day_start(f.joined_to) + timedelta(days=1))
    if f.buyers == "yes":
        members = members.filter(order_count__gt=0)
    elif f.buyers == "no":
        members = members.filter(order_count=0)
    if f.distributor == "yes":
        members = members.filter(distributor_code__isnull=False)
    elif f.distributor == "no":
        members = members.filter(distributor_code__isnull=True)
    if f.min_spend_fen is not None:
        members = members.filter(spend_fen__gte=f.min_spend_fen)
    return members


@dataclass
class MemberRecord:
    member: Member
    order_count: int
    spend_fen: int
    refunded_fen: int
    points: int
    orders: list[Order]
    points_entries: list[Entry]
    coupons: list[MemberCoupon]
    distributor: Distributor | None
    brought_by: Distributor | None  # the distributor the member is bound to, if any


def member_record(*, member_id: int) -> MemberRecord | None:
    member = members_for_console().filter(pk=member_id).first()
    if member is None:
        return None
    totals = Order.objects.filter(PAID, member_id=member_id).aggregate(refunded=Coalesce(Sum("refunded_fen"), 0))
    binding = Binding.objects.filter(member_id=member_id, ended_at__isnull=True).select_related(
        "distributor__member").first()
    figures = cast(Any, member)  # annotated by members_for_console
    return MemberRecord(
        member=member, order_count=figures.order_count, spend_fen=figures.spend_fen, refunded_fen=totals["refunded"],
        points=figures.points, orders=list(Order.objects.filter(member_id=member_id).order_by("-created_at")[:20]),
        points_entries=list(points_history(member_id=member_id)[:20]),
        coupons=list(MemberCoupon.objects.filter(member_id=member_id).select_related("coupon")
                     .order_by("-claimed_at")[:20]),
        distributor=Distributor.objects.filter(member_id=member_id).select_related("grade").first(),
        brought_by=binding.distributor if binding else None)
