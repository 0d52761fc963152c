"""Joining the network and being bound to a distributor.

Share links and QR scenes carry ``<code>.<mac>``: the distributor's code and a short HMAC of it keyed by
the store's schema, so a scene or link made by another store is refused even if the same code exists
there. It fits WeChat's 32-character scene limit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.limits import plan_limit_check
from core.errors import Conflict, IllegalTransition, ValidationFailed
from core.schema import current_schema
from tenants.members.models import Member
from tenants.orders.models import Order, OrderLine

from .error_codes import DistributionCode
from .models import MAX_LEVELS, Application, Binding, DistributionSettings, Distributor
from .selectors import binding_open_for, distribution_settings_get, distributor_count

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
PAID_STATUSES = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.RECEIVED, Order.Status.COMPLETED)


def _mac(code: str) -> str:
    key = f"{settings.SECRET_KEY}:distribution-share:{current_schema()}".encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()[:6]


def distributor_share_token(*, distributor: Distributor) -> str:
    return f"{distributor.code}.{_mac(distributor.code)}"


def distributor_from_share_token(token: str) -> Distributor | None:
    code, _sep, mac = (token or "").partition(".")
    if not code or not hmac.compare_digest(mac, _mac(code)):
        return None
    return Distributor.objects.filter(code=code, status=Distributor.Status.ACTIVE).first()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def member_spent_fen(member: Member) -> int:
    """What the member has paid for orders, net of refunds: the spend threshold of recruitment is measured on it."""
    totals = Order.objects.filter(member=member, status__in=PAID_STATUSES).aggregate(
        paid=Sum("paid_fen"), refunded=Sum("refunded_fen"))
    return (totals["paid"] or 0) - (totals["refunded"] or 0)


def _make_distributor(member: Member, parent: Distributor | None) -> Distributor:
    upline = [parent.pk, *parent.upline_ids][:MAX_LEVELS - 1] if parent else []
    plan_limit_check(resource="distributors", count=distributor_count)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Distributor.objects.create(member=member, code=_new_code(), parent=parent, upline_ids=upline)
        except IntegrityError:
            if Distributor.objects.filter(member=member).exists():
                raise Conflict(_("你已经是分销员了。"), code=DistributionCode.ALREADY_DISTRIBUTOR) from None
    raise Conflict(_("请稍后再试。"))


def _inviter(member: Member, inviter_token: str) -> Distributor | None:
    if inviter_token:
        inviter = distributor_from_share_token(inviter_token)
        if inviter is None:
            raise ValidationFailed(_("邀请链接无效。"), code=DistributionCode.INVALID_SHARE_TOKEN,
                                   fields={"inviter": [_("邀请链接无效或来自其他店铺。")]})
        return inviter
    binding = binding_open_for(member_id=member.pk)
    return binding.distributor if binding else None


@transaction.atomic
def distributor_apply(*, member: Member, answers: dict | None = None, inviter_token: str = "") -> Application:
    """Ask to become a distributor, under the store's recruitment rule. Open recruitment and met
    purchase/spend thresholds are approved at once; otherwise the application waits for review."""
    rules = distribution_settings_get()
    if not rules.enabled:
        raise Conflict(_("店铺未开启分销。"), code=DistributionCode.DISTRIBUTION_DISABLED)
    if Distributor.objects.filter(member=member).exists():
        raise Conflict(_("你已经是分销员了。"), code=DistributionCode.ALREADY_DISTRIBUTOR)
    answers = answers or {}
    missing = [field["name"] for field in rules.application_fields
               if field.get("required") and not str(answers.get(field["name"], "")).strip()]
    if missing:
        raise ValidationFailed(_("请填写申请信息。"), fields={name: [_("必填。")] for name in missing})
    if rules.recruitment == DistributionSettings.Recruitment.PURCHASE_PRODUCT and (
            rules.recruitment_product_id is None or not OrderLine.objects.filter(
                order__member=member, order__status__in=PAID_STATUSES,
                product_id=rules.recruitment_product_id).exists()):
        raise Conflict(_("购买指定商品后即可成为分销员。"), code=DistributionCode.PURCHASE_REQUIRED)
    if (rules.recruitment == DistributionSettings.Recruitment.SPEND_THRESHOLD
            and member_spent_fen(member) < rules.recruitment_spend_fen):
        raise Conflict(_("累计消费未达到成为分销员的门槛。"), code=DistributionCode.SPEND_REQUIRED)
    inviter = _inviter(member, inviter_token)
    try:
        with transaction.atomic():
            application = Application.objects.create(member=member, answers=answers,
                                                     inviter_code=inviter.code if inviter else "")
    except IntegrityError:
        raise Conflict(_("你的申请正在审核中。"), code=DistributionCode.APPLICATION_PENDING) from None
    if rules.recruitment != DistributionSettings.Recruitment.APPLY:
        application_approve(application=application, actor="system")
        application.refresh_from_db()
    return application


@transaction.atomic
def application_approve(*, application: Application, actor: str) -> Distributor:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.PENDING:
        raise IllegalTransition(_("该申请已处理。"))
    parent = Distributor.objects.filter(code=application.inviter_code).first() if application.inviter_code else None
    distributor = _make_distributor(application.member, parent)
    application.status, application.reviewed_by, application.reviewed_at = (
        Application.Status.APPROVED, actor, timezone.now())
    application.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return distributor


@transaction.atomic
def application_reject(*, application: Application, reason: str, actor: str) -> Application:
    if not reason.strip():
        raise ValidationFailed(_("请填写拒绝原因。"), fields={"reason": [_("请填写拒绝原因。")]})
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.PENDING:
        raise IllegalTransition(_("该申请已处理。"))
    application.status, application.reject_reason = Application.Status.REJECTED, reason.strip()[:200]
    application.reviewed_by, application.reviewed_at = actor, timezone.now()
    application.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at"])
    return application


@transaction.atomic
def distributor_set_frozen(*, distributor: Distributor, frozen: bool, reason: str = "") -> Distributor:
    """A frozen distributor earns nothing new and cannot withdraw until unfrozen."""
    if frozen and not reason.strip():
        raise ValidationFailed(_("请填写冻结原因。"), fields={"reason": [_("请填写冻结原因。")]})
    distributor = Distributor.objects.select_for_update().get(pk=distributor.pk)
    distributor.status = Distributor.Status.FROZEN if frozen else Distributor.Status.ACTIVE
    distributor.frozen_reason = reason.strip()[:200] if frozen else ""
    distributor.save(update_fields=["status", "frozen_reason"])
    return distributor


@transaction.atomic
def binding_record_visit(*, member: Member, share_token: str, source: str, scene: str = "",
                         now: datetime | None = None) -> Binding | None:
    """A shopper arrived through a share link or QR scene. Binds them to that distributor unless a bind
    is still running (first bind wins), the store binds only new customers and this one has bought,
    or it would bind them to themselves or to their own downline. Returns the binding in force."""
    now = now or timezone.now()
    distributor = distributor_from_share_token(share_token)
    if distributor is None:
        raise ValidationFailed(_("分享链接无效。"), code=DistributionCode.INVALID_SHARE_TOKEN,
                               fields={"share_token": [_("分享链接无效或来自其他店铺。")]})
    if source not in Binding.Source.values:
        raise ValidationFailed(_("来源无效。"), fields={"source": [_("来源无效。")]})
    Member.objects.select_for_update().filter(pk=member.pk).first()  # one bind decision per shopper at a time
    current = binding_open_for(member_id=member.pk, now=now)
    if current is not None:
        return current
    own = Distributor.objects.filter(member=member).first()
    if distributor.member_id == member.pk or (own is not None and own.pk in distributor.upline_ids):
        return None  # no self-binding, no cycles
    rules = distribution_settings_get()
    if rules.binding_mode == DistributionSettings.BindingMode.NEW_CUSTOMERS_ONLY and Order.objects.filter(
            member=member, status__in=PAID_STATUSES).exists():
        return None
    Binding.objects.filter(member=member, ended_at__isnull=True).update(ended_at=now)  # an expired one ends
    expires_at = now + timedelta(days=rules.binding_days) if rules.binding_days else None
    return Binding.objects.create(member=member, distributor=distributor, source=source, scene=scene[:64],
                                  bound_at=now, expires_at=expires_at)
