"""The distribution app's error codes: what its refusals say to clients, stable and documented."""

from enum import StrEnum

from core.errors import error_codes


@error_codes
class DistributionCode(StrEnum):
    ALREADY_DISTRIBUTOR = "already_distributor"
    APPLICATION_PENDING = "application_pending"
    DISTRIBUTION_DISABLED = "distribution_disabled"
    DISTRIBUTOR_FROZEN = "distributor_frozen"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INVALID_SHARE_TOKEN = "invalid_share_token"
    PURCHASE_REQUIRED = "purchase_required"
    RATES_EXCEED_SALE = "rates_exceed_sale"
    SPEND_REQUIRED = "spend_required"
