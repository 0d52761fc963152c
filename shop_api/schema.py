"""What drf-spectacular needs to know about the shop API beyond its views: how a shopper authenticates."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class MemberTokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Bearer <token>``, the token the login endpoints return (bound to one store)."""

    target_class = "shop_api.auth.MemberTokenAuthentication"
    name = "memberToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")
