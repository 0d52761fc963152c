"""The members app's error codes: what its refusals say to clients, stable and documented."""

from enum import StrEnum

from core.errors import error_codes


@error_codes
class MembersCode(StrEnum):
    INVALID_CODE = "invalid_code"
    SMS_CODE_EXPIRED = "sms_code_expired"
    SMS_CODE_WRONG = "sms_code_wrong"
    SMS_TOO_MANY = "sms_too_many"
    SMS_TOO_SOON = "sms_too_soon"
    SMS_UNAVAILABLE = "sms_unavailable"
    MINIPROGRAM_NOT_CONFIGURED = "miniprogram_not_configured"
    OFFICIAL_ACCOUNT_NOT_CONFIGURED = "official_account_not_configured"
    WECHAT_REFUSED = "wechat_refused"
    WECHAT_UNREACHABLE = "wechat_unreachable"
