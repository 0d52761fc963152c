from __future__ import annotations

from .models import StaffMember


def staff_member_for(*, user) -> StaffMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return StaffMember.objects.filter(user_id=user.pk).first()


def staff_count() -> int:
    return StaffMember.objects.count()
