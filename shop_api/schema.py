"""What drf-spectacular needs to know about the shop API beyond its views: how a shopper authenticates, how
the views' nested serializers are named, the paginated envelope, the idempotency header, and the error codes
an operation may answer with."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from enum import StrEnum

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class MemberTokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Bearer <token>``, the token the login endpoints return (bound to one store)."""

    target_class = "shop_api.auth.MemberTokenAuthentication"
    name = "memberToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")


class SignedMemberScheme(MemberTokenScheme):
    """The same member token, read by its signature first (the flash path refuses a crowd before loading anyone)."""

    target_class = "shop_api.auth.SignedMemberAuthentication"
    name = "memberTokenSigned"


_CONTAINER_SUFFIXES = ("Serializer", "Api", "Output", "Input")


def _trimmed(part: str) -> str:
    while (suffix := next((x for x in _CONTAINER_SUFFIXES if part.endswith(x)), None)) is not None:
        part = part[: -len(suffix)]
    return part


def component_name(serializer_class: type) -> str:
    """``ProductDetailApi.OutputSerializer`` -> ``ProductDetailOutput``: a nested serializer is named after the
    classes around it, so two views' ``OutputSerializer`` never collide."""
    *outer, own = serializer_class.__qualname__.split(".")
    return "".join(_trimmed(part) for part in outer) + own.removesuffix("Serializer")


class ShopAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer, direction):
        return component_name(type(serializer))


@functools.cache
def paginated(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The envelope ``shop_api.pagination.paginate`` answers with, around ``serializer_class``'s rows."""
    name = f"Paginated{component_name(serializer_class)}"
    return type(name, (serializers.Serializer,), {
        "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True), "results": serializer_class(many=True),
        "__qualname__": name, "__module__": serializer_class.__module__})


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
    description="8 to 64 characters chosen by the client for this request. Sent again (a retry, a double tap), "
                "the first result is answered with 200; reused for a different request, 409 "
                "idempotency_key_reused.")


def refusals(**by_status: Iterable[StrEnum]) -> dict[int, OpenApiResponse]:
    """Error responses naming the codes an operation may answer with: ``refusals(http_409=[...])``. Their body
    is the one ``Error`` schema (``shop_api.errors.document_errors`` adds it, and the statuses every operation
    shares)."""
    return {int(status.removeprefix("http_")): OpenApiResponse(description="Codes: " + ", ".join(
        sorted(str(code) for code in codes))) for status, codes in by_status.items()}
