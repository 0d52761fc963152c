"""The payments app's error codes: what its refusals say to clients, stable and documented."""

from enum import StrEnum

from core.errors import error_codes


@error_codes
class PaymentsCode(StrEnum):
    GATEWAY_ERROR = "gateway_error"
    PAYER_UNKNOWN = "payer_unknown"
    WECHATPAY_NOT_CONFIGURED = "wechatpay_not_configured"
