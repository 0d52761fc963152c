"""Console users of a store."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from .models import StaffMember


@transaction.atomic
def staff_create_owner(*, login: str, password: str):
    """The store owner's console account (login is an email or a mobile number)."""
    user_model = get_user_model()
    email = login if "@" in login else ""
    user = user_model.objects.create_user(username=login, email=email, password=password)
    StaffMember.objects.create(user=user, role=StaffMember.Role.OWNER)
    return user


def staff_sessions_purge_expired() -> int:
    """Delete this store's expired console sessions; returns how many."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
