"""The members app's error codes: what its refusals say to clients, stable and documented."""

from enum import StrEnum

from core.errors import error_codes


@error_codes
class MembersCode(StrEnum):
    INVALID_CODE = "invalid_code"
    MINIPROGRAM_NOT_CONFIGURED = "miniprogram_not_configured"
    WECHAT_REFUSED = "wechat_refused"
    WECHAT_UNREACHABLE = "wechat_unreachable"
