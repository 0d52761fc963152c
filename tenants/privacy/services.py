"""A shopper's data rights under PIPL: a copy of their personal data, and its deletion.

Deletion erases or pseudonymises every personal field (identity, contact, addresses, what they wrote, their
devices) and keeps what the books and the law need — orders, payments, the ledger, invoices — with their amounts,
under the member's now anonymous id. WeChat ids are let go, so the same WeChat user signing in again is a new
member. A member with business still running (an unfinished order, an open after-sale, money owed to them as a
distributor) cannot be deleted yet: the request waits, saying why, for the merchant to finish it. Every request
and its completion are recorded (``PrivacyRequest``)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from tenants.distribution.models import Application, Binding, Distributor, Withdrawal
from tenants.ledger.models import Account
from tenants.loyalty.levels import member_level
from tenants.loyalty.points import points_balance
from tenants.loyalty.selectors import points_history
from tenants.marketing.models import MemberCoupon, ShareCode, ShareReferral
from tenants.members.models import Member
from tenants.orders.models import AfterSale, CartItem, Order, Review

from .models import PrivacyRequest

ERASED_NAME = "已注销用户"
UNFINISHED = (Order.Status.PENDING_PAYMENT, Order.Status.PAID, Order.Status.SHIPPED)


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def member_data(*, member_id: int) -> dict:
    """Everything the store holds about the member, as plain data (the download)."""
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        raise NotFound(_("没有这个会员。"))
    distributor = Distributor.objects.filter(member=member).select_related("grade").first()
    binding = Binding.objects.filter(member=member, ended_at__isnull=True).select_related("distributor").first()
    return {
        "profile": {"member_id": member.pk, "nickname": member.nickname, "phone": member.phone,
                    "birthday": member.birthday.isoformat() if member.birthday else None,
                    "avatar_url": member.avatar_url, "joined_at": _stamp(member.created_at),
                    "last_login_at": _stamp(member.last_login_at), "marketing_consent": member.marketing_consent,
                    "level": member_level(member_id=member.pk).name},
        "addresses": [{"recipient": a.recipient, "phone": a.phone, "region_code": a.region_code,
                       "address": f"{a.province}{a.city}{a.district}{a.detail}", "default": a.is_default}
                      for a in member.addresses.all()],
        "orders": [{"number": o.number, "status": o.status, "placed_at": _stamp(o.created_at),
                    "payable_fen": o.payable_fen, "paid_fen": o.paid_fen, "refunded_fen": o.refunded_fen,
                    "address": o.address, "remark": o.remark,
                    "lines": [{"title": ln.title, "spec": ln.spec_text, "quantity": ln.quantity,
                               "paid_fen": ln.paid_fen} for ln in o.lines.all()]}
                   for o in Order.objects.filter(member=member).prefetch_related("lines").order_by("created_at")],
        "points": {"balance": points_balance(member_id=member.pk),
                   "history": [{"points": e.amount_fen, "kind": e.journal.kind, "memo": e.journal.memo,
                                "at": _stamp(e.created_at)} for e in points_history(member_id=member.pk)]},
        "coupons": [{"name": c.coupon.name, "status": c.status, "valid_until": _stamp(c.valid_until)}
                    for c in MemberCoupon.objects.filter(member=member).select_related("coupon")],
        "reviews": [{"rating": r.rating, "text": r.text, "at": _stamp(r.created_at)}
                    for r in Review.objects.filter(member=member)],
        "distribution": {
            "distributor": {"code": distributor.code, "status": distributor.status,
                            "grade": distributor.grade.name if distributor.grade else None} if distributor else None,
            "brought_by": binding.distributor.code if binding else None,
            "bound_at": _stamp(binding.bound_at) if binding else None},
    }


@transaction.atomic
def member_data_export(*, member_id: int, actor: str) -> dict:
    """The member's data, the download recorded."""
    data = member_data(member_id=member_id)
    PrivacyRequest.objects.create(member_id=member_id, kind=PrivacyRequest.Kind.EXPORT, requested_by=actor[:150],
                                  status=PrivacyRequest.Status.DONE, done_by=actor[:150], done_at=timezone.now())
    return data


def member_erase_blockers(*, member_id: int) -> list[str]:
    """What must be finished before the member's data can be deleted."""
    blockers = []
    if Order.objects.filter(member_id=member_id, status__in=UNFINISHED).exists():
        blockers.append(_("有未完成的订单"))
    if AfterSale.objects.filter(order__member_id=member_id, status__in=AfterSale.OPEN_STATUSES).exists():
        blockers.append(_("有进行中的售后"))
    distributor = Distributor.objects.filter(member_id=member_id).first()
    if distributor is not None:
        owed = Account.objects.filter(owner_id=distributor.pk, kind__in=[
            Account.Kind.DISTRIBUTOR_FROZEN, Account.Kind.DISTRIBUTOR_AVAILABLE, Account.Kind.DISTRIBUTOR_WITHDRAWING,
        ]).exclude(balance_fen=0).exists()
        if owed or Withdrawal.objects.filter(distributor=distributor).exclude(
                status__in=[Withdrawal.Status.PAID, Withdrawal.Status.REJECTED]).exists():
            blockers.append(_("分销佣金未结清"))
    return blockers


@transaction.atomic
def member_erase(*, member_id: int, actor: str) -> PrivacyRequest:
    """Delete the member's personal data now (the request comes back done), or — with business still running —
    record the request as waiting, saying why (it comes back pending, its ``blocked_reason`` set)."""
    member = Member.objects.select_for_update().filter(pk=member_id).first()
    if member is None:
        raise NotFound(_("没有这个会员。"))
    request = PrivacyRequest.objects.filter(member_id=member_id, kind=PrivacyRequest.Kind.DELETE,
                                            status=PrivacyRequest.Status.PENDING).first() or PrivacyRequest(
        member_id=member_id, kind=PrivacyRequest.Kind.DELETE, requested_by=actor[:150])
    blockers = member_erase_blockers(member_id=member_id)
    if blockers:
        request.blocked_reason = "；".join(blockers)[:200]
        request.save()
        return request
    _erase(member)
    request.status, request.done_by, request.done_at, request.blocked_reason = (
        PrivacyRequest.Status.DONE, actor[:150], timezone.now(), "")
    request.save()
    return request


def _erase(member: Member) -> None:
    member.openid = member.oa_openid = member.unionid = None
    member.session_key = member.avatar_url = member.phone = ""
    member.nickname, member.birthday, member.is_active = ERASED_NAME, None, False
    member.marketing_consent, member.marketing_consent_at = False, None
    member.token_version = F("token_version") + 1  # every token the member held stops working
    member.save()
    member.addresses.all().delete()
    member.favourites.all().delete()
    member.history.all().delete()
    CartItem.objects.filter(member=member).delete()
    for order in Order.objects.filter(member=member).only("address"):
        address = order.address or {}
        order.address = {"recipient": ERASED_NAME, "phone": "", "region_code": address.get("region_code", ""),
                         "province": address.get("province", ""), "city": address.get("city", ""),
                         "district": "", "detail": ""}
        order.save(update_fields=["address"])
    Order.objects.filter(member=member).update(remark="", device_id="", client_ip=None)
    Review.objects.filter(member=member).update(text="", photos=[])
    AfterSale.objects.filter(order__member=member).update(photos=[])
    Application.objects.filter(member=member).update(answers={})
    Withdrawal.objects.filter(distributor__member=member).update(bank_account_encrypted="")
    ShareCode.objects.filter(member=member).delete()
    ShareReferral.objects.filter(Q(member=member)).update(device_id="")


def privacy_requests(*, member_id: int | None = None):
    """Data requests, newest first (the waiting deletions first of all)."""
    found = PrivacyRequest.objects.all() if member_id is None else PrivacyRequest.objects.filter(member_id=member_id)
    return found.order_by(F("done_at").asc(nulls_first=True), "-requested_at", "-id")
