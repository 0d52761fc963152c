"""Shopper API tokens. A token is signed and names the store's schema and the member's token version, so
a token of store A is refused on store B's host, and bumping ``token_version`` revokes all of a member's
tokens."""

from __future__ import annotations

from django.core import signing

from core.schema import current_schema

from .models import Member

SALT = "shop-api.member-token"
MAX_AGE_S = 60 * 60 * 24 * 30


def member_token_issue(*, member: Member) -> str:
    return signing.dumps({"s": current_schema(), "m": member.pk, "v": member.token_version}, salt=SALT)


def member_from_token(token: str) -> Member | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_S)
    except signing.BadSignature:
        return None
    if data.get("s") != current_schema():
        return None
    member = Member.objects.filter(pk=data.get("m"), is_active=True).first()
    if member is None or member.token_version != data.get("v"):
        return None
    return member
