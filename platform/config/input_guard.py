"""Input PostgreSQL or Python cannot take, refused at the edge with a 400 for every route of both hosts, so no
view has to remember: NUL characters and lone surrogates anywhere in the path, the query string, a header,
a form body or a JSON body (PostgreSQL refuses NUL in text; a lone surrogate cannot be encoded), and JSON
nested deeper than ``MAX_JSON_DEPTH`` (Python's parser would recurse until it fails). A number that reaches
the database out of its column's range is answered the same way, whatever view let it through; a database
that cannot be reached (out of connections during a burst) is a quick 503 with Retry-After, never a 500.

Cheap on the hot paths: the checks are C-level searches of strings the request already has; a JSON body is
only walked for its depth when it holds more brackets than the limit.
"""

from __future__ import annotations

import logging
import re

from django.db import DataError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from core.errors import CoreCode

logger = logging.getLogger(__name__)

MAX_JSON_DEPTH = 64
MESSAGE = ("请求中含有无法处理的内容（如空字符或过深的嵌套）。"
           "The request contains characters or nesting that cannot be accepted.")
OUT_OF_RANGE = "请求中的数值超出范围。A number in the request is out of range."
UNAVAILABLE = "服务繁忙，请稍后重试。The service is busy, please try again in a moment."

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)
_JSON_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _bad_text(text: str) -> bool:
    return "\x00" in text or _LONE_SURROGATE.search(text) is not None


def _too_deep(body: bytes) -> bool:
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return False
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _refusal(request: HttpRequest, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/") or request.content_type == "application/json":
        return JsonResponse({"code": CoreCode.BAD_REQUEST, "message": message, "fields": {}}, status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def request_problem(request: HttpRequest) -> str | None:
    """Why the request cannot be taken, or None."""
    if _bad_text(request.path_info) or _bad_text(request.META.get("QUERY_STRING", "")):
        return MESSAGE
    for key, values in request.GET.lists():
        if _bad_text(key) or any(_bad_text(v) for v in values):
            return MESSAGE
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and _bad_text(value):
            return MESSAGE
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.content_type == "application/json":
            body = request.body
            if b"\x00" in body or _JSON_NUL.search(body) or _JSON_LONE_SURROGATE.search(body) or _too_deep(body):
                return MESSAGE
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                if _bad_text(key) or any(_bad_text(v) for v in values):
                    return MESSAGE
    return None


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = request_problem(request)
        if problem is not None:
            return _refusal(request, problem)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DataError):
            # A value the database cannot store (a number out of range, mostly): the request's fault.
            logger.warning("refused a value the database cannot take on %s: %s", request.path_info, exception)
            return _refusal(request, OUT_OF_RANGE)
        if isinstance(exception, OperationalError):
            # The database is unreachable or out of connections (a burst elsewhere, a restart): the client should
            # come back in a moment, not see a server error. Sentry still hears of it through the log.
            logger.error("database unavailable on %s: %s", request.path_info, exception)
            response = _refusal(request, UNAVAILABLE)
            response.status_code = 503
            response["Retry-After"] = "1"
            return response
        return None

