"""One error format for the whole shop API: ``{"code": ..., "message": ..., "fields": {...}}``."""

from __future__ import annotations

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


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
        response.data = {"code": "validation_failed", "message": "Please correct the marked fields.",
                         "fields": _flatten(exc.detail)}
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {"code": code if isinstance(code, str) else "error", "message": str(detail), "fields": {}}
    return response
