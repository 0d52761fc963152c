"""One error format for the whole shop API: ``{"code": ..., "message": ..., "fields": {...}}``."""

from __future__ import annotations

from enum import StrEnum

from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import CoreCode, DomainError, all_error_codes, error_codes


@error_codes
class ShopApiCode(StrEnum):
    """The shop API's own codes: DRF's refusals (authentication, permissions, parsing, throttling) and the API's."""

    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    PARSE_ERROR = "parse_error"
    THROTTLED = "throttled"
    ERROR = "error"
    WXACODE_UNAVAILABLE = "wxacode_unavailable"


def _messages(detail) -> list[str]:
    if isinstance(detail, (list, tuple)):
        return [message for item in detail for message in _messages(item)]
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    return [str(detail)]


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as flat field paths: ``{"items.0.quantity": ["..."]}`` — messages, never the
    repr of DRF's error objects. A list of plain values (a ListField's ``{0: [...]}``) keeps its own name."""
    if not isinstance(detail, dict):
        return {prefix: _messages(detail)} if prefix else {}
    fields: dict[str, list[str]] = {}
    for key, value in detail.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and all(isinstance(k, int) for k in value) \
                and not any(isinstance(v, dict) for v in value.values()):
            fields[path] = _messages(value)
        elif isinstance(value, dict):
            fields.update(_flatten(value, path))
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                if item:
                    fields.update(_flatten(item, f"{path}.{index}") if isinstance(item, dict)
                                  else {f"{path}.{index}": _messages(item)})
        else:
            fields[path] = _messages(value)
    return fields


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"code": CoreCode.VALIDATION_FAILED, "message": "Please correct the marked fields.",
                         "fields": _flatten(exc.detail)}
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {"code": code if isinstance(code, str) else ShopApiCode.ERROR, "message": str(detail),
                         "fields": {}}
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The store host's 404 for a path no route takes (``/api/v1/me/addresses/-1/``): the API's error body
    under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": CoreCode.NOT_FOUND, "message": "Not found.", "fields": {}}, status=404)
    return defaults.page_not_found(request, exception)


ERROR_STATUSES = {"400": "Bad input: the fields say what", "401": "Not signed in", "403": "Not allowed",
                  "404": "Not found", "409": "Conflict with the current state", "429": "Too many requests"}


def document_errors(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing: the one error body (``Error``, its ``code`` enumerating every domain's
    vocabulary) on every operation's error responses."""
    for app in apps.get_app_configs():  # every vocabulary is registered once its module is imported
        try:
            __import__(f"{app.name}.error_codes")
        except ModuleNotFoundError:
            continue
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        "type": "object", "required": ["code", "message", "fields"],
        "properties": {"code": {"type": "string", "enum": all_error_codes()},
                       "message": {"type": "string"},
                       "fields": {"type": "object", "additionalProperties": {"type": "array",
                                                                             "items": {"type": "string"}}}}}
    reference = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(code, {"description": description})
            for code, response in responses.items():
                if code[0] in "45":  # the views' own refusals (shop_api.schema.refusals) say which codes
                    response.update(reference)
    return result
