"""Console users of a store."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.limits import plan_limit_check
from core.errors import ValidationFailed

from .models import StaffMember
from .selectors import staff_count


@transaction.atomic
def staff_create_owner(*, login: str, password: str):
    """The store owner's console account (login is an email or a mobile number)."""
    user_model = get_user_model()
    email = login if "@" in login else ""
    user = user_model.objects.create_user(username=login, email=email, password=password)
    StaffMember.objects.create(user=user, role=StaffMember.Role.OWNER)
    return user


@transaction.atomic
def staff_create(*, login: str, password: str, role: str) -> StaffMember:
    """Another console account for this store, with a role other than owner (counted against the plan's seats)."""
    login = login.strip().lower()
    fields: dict[str, list[str]] = {}
    if role not in StaffMember.Role.values or role == StaffMember.Role.OWNER:
        fields["role"] = [_("请选择一个角色。")]
    if not login or len(login) > 150:
        fields["login"] = [_("请填写登录名（邮箱或手机号）。")]
    elif get_user_model().objects.filter(username=login).exists():
        fields["login"] = [_("这个登录名已经存在。")]
    try:
        validate_password(password)
    except ValidationError as exc:
        fields["password"] = list(exc.messages)
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    plan_limit_check(resource="staff", count=staff_count)
    user = get_user_model().objects.create_user(username=login, email=login if "@" in login else "",
                                                password=password)
    return StaffMember.objects.create(user=user, role=role)


def staff_sessions_purge_expired() -> int:
    """Delete this store's expired console sessions; returns how many."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def _not_owner(member: StaffMember) -> StaffMember:
    member = StaffMember.objects.select_for_update().select_related("user").get(pk=member.pk)
    if member.role == StaffMember.Role.OWNER:
        raise ValidationFailed(_("店主账号不能修改或移除。"), fields={"role": [_("店主账号不能修改或移除。")]})
    return member


@transaction.atomic
def staff_set_role(*, member: StaffMember, role: str) -> StaffMember:
    """Give a staff member another role (never owner: a store has one)."""
    member = _not_owner(member)
    if role not in StaffMember.Role.values or role == StaffMember.Role.OWNER:
        raise ValidationFailed(_("请选择一个角色。"), fields={"role": [_("请选择一个角色。")]})
    member.role = role
    member.save(update_fields=["role"])
    return member


@transaction.atomic
def staff_remove(*, member: StaffMember) -> None:
    """Take a staff member's console access away: the login is deactivated (its open sessions stop working
    at their next request) and the seat is freed."""
    member = _not_owner(member)
    user = member.user
    member.delete()
    user.is_active = False
    user.save(update_fields=["is_active"])
