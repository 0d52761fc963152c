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


def _claims(token: str) -> dict | None:
    """What a token of this store says (member id "m", token version "v"), if its signature holds."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_S)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != current_schema() or not isinstance(data.get("m"), int):
        return None
    return data


def member_id_from_token(token: str) -> int | None:
    """The member a token was signed for in this store, by its signature alone (no query): enough to refuse a
    request cheaply, never to serve one (``member_from_token`` also checks the member is active and the token
    not revoked)."""
    claims = _claims(token)
    return None if claims is None else claims["m"]


def member_from_token(token: str) -> Member | None:
    claims = _claims(token)
    if claims is None:
        return None
    member = Member.objects.filter(pk=claims["m"], is_active=True).first()
    if member is None or member.token_version != claims.get("v"):
        return None
    return member
