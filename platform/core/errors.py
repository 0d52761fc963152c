"""Domain errors. Interfaces (API, console) map them to responses in one place each.

Every ``code`` comes from an error-code vocabulary: ``CoreCode`` here for the kinds of refusal, and one
``error_codes.py`` per domain app for its own (``all_error_codes`` lists them, and the OpenAPI schema documents
them)."""

from __future__ import annotations

from enum import StrEnum


class CoreCode(StrEnum):
    INVALID = "invalid"
    VALIDATION_FAILED = "validation_failed"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    ILLEGAL_TRANSITION = "illegal_transition"
    RATE_LIMITED = "rate_limited"
    PLAN_LIMIT_REACHED = "plan_limit_reached"
    BAD_REQUEST = "bad_request"  # input no route can take (config.input_guard)
    IMAGE_FORMAT = "image_format"
    IMAGE_TOO_LARGE = "image_too_large"
    IMAGE_TOO_MANY_PIXELS = "image_too_many_pixels"


_VOCABULARIES: list[type[StrEnum]] = [CoreCode]


def error_codes(vocabulary: type[StrEnum]) -> type[StrEnum]:
    """Register an app's vocabulary (a class decorator on its ``error_codes`` enum)."""
    if vocabulary not in _VOCABULARIES:
        _VOCABULARIES.append(vocabulary)
    return vocabulary


def all_error_codes() -> list[str]:
    """Every code a response may carry, sorted (for the API's documentation)."""
    return sorted({str(member) for vocabulary in _VOCABULARIES for member in vocabulary})


class DomainError(Exception):
    """A business rule refused the action. ``code`` is stable and machine-readable (a vocabulary member)."""

    code: str = CoreCode.INVALID
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = fields or {}

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(DomainError):
    code: str = CoreCode.VALIDATION_FAILED


class NotFound(DomainError):
    code: str = CoreCode.NOT_FOUND
    http_status = 404


class Conflict(DomainError):
    code: str = CoreCode.CONFLICT
    http_status = 409


class IllegalTransition(DomainError):
    code: str = CoreCode.ILLEGAL_TRANSITION
    http_status = 409


class RateLimited(DomainError):
    code: str = CoreCode.RATE_LIMITED
    http_status = 429


class PlanLimitReached(DomainError):
    """The store's plan does not allow this (a count limit reached or a feature not included)."""

    code: str = CoreCode.PLAN_LIMIT_REACHED
    http_status = 403
