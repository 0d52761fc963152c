"""The orders app's error codes: what its refusals say to clients, stable and documented."""

from enum import StrEnum

from core.errors import error_codes


@error_codes
class OrdersCode(StrEnum):
    AFTER_SALE_EXPIRED = "after_sale_expired"
    ALREADY_REVIEWED = "already_reviewed"
    AMOUNT_MISMATCH = "amount_mismatch"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    NOT_REVIEWABLE = "not_reviewable"
    NOT_SELLABLE = "not_sellable"
    UNREACHABLE_REGION = "unreachable_region"
