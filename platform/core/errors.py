"""Domain errors. Interfaces (API, console) map them to responses in one place each."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action. ``code`` is stable and machine-readable."""

    code = "invalid"
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
    code = "validation_failed"


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class IllegalTransition(DomainError):
    code = "illegal_transition"
    http_status = 409


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = 429


class PlanLimitReached(DomainError):
    """The store's plan does not allow this (a count limit reached or a feature not included)."""

    code = "plan_limit_reached"
    http_status = 403
