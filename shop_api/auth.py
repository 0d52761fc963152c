"""Authentication of shoppers on the shop API: ``Authorization: Bearer <token>``."""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from tenants.members.models import Member
from tenants.members.tokens import member_from_token, member_id_from_token


class MemberTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def _token(self, request) -> str | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme != self.keyword or not token:
            raise exceptions.AuthenticationFailed("Use 'Authorization: Bearer <token>'.")
        return token.strip()

    def authenticate(self, request):
        if (token := self._token(request)) is None:
            return None
        member = member_from_token(token)
        if member is None:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        return member, token

    def authenticate_header(self, request) -> str:
        return self.keyword


INVALID_TOKEN = "The token is invalid, expired or for another store."


@dataclass(frozen=True)
class SignedMember:
    """A request's member as its token's signature names them, not yet loaded: for the paths that refuse most
    requests (a flash sale's crowd) before anything needs the member. ``load()`` checks and loads them."""

    pk: int
    token: str

    def load(self) -> Member | None:
        return member_from_token(self.token)


class SignedMemberAuthentication(MemberTokenAuthentication):
    def authenticate(self, request):
        if (token := self._token(request)) is None:
            return None
        member_id = member_id_from_token(token)
        if member_id is None:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        return SignedMember(pk=member_id, token=token), token


class IsSignedMember(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, SignedMember)


class IsMember(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, Member)


def shopper(request: Request) -> Member:
    """The member a request is signed in as, for the views that require ``IsMember`` (a request that got
    past it without one is refused here too, never served as someone else)."""
    member = request.user
    if not isinstance(member, Member):
        raise exceptions.NotAuthenticated()
    return member
