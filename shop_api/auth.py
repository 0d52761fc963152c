"""Authentication of shoppers on the shop API: ``Authorization: Bearer <token>``."""

from __future__ import annotations

from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from tenants.members.models import Member
from tenants.members.tokens import member_from_token


class MemberTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme != self.keyword or not token:
            raise exceptions.AuthenticationFailed("Use 'Authorization: Bearer <token>'.")
        member = member_from_token(token.strip())
        if member is None:
            raise exceptions.AuthenticationFailed("The token is invalid, expired or for another store.")
        return member, token

    def authenticate_header(self, request) -> str:
        return self.keyword


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
