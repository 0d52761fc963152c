"""The marketing app's error codes: what its refusals say to clients, stable and documented."""

from enum import StrEnum

from core.errors import error_codes


@error_codes
class MarketingCode(StrEnum):
    COUPON_GONE = "coupon_gone"
    COUPON_LIMIT_REACHED = "coupon_limit_reached"
    COUPON_NOT_CLAIMABLE = "coupon_not_claimable"
    COUPON_NOT_USABLE = "coupon_not_usable"
    COUPONS_DO_NOT_STACK = "coupons_do_not_stack"
    DISCOUNT_LIMIT_REACHED = "discount_limit_reached"
    FLASH_LIMIT_REACHED = "flash_limit_reached"
    FLASH_SOLD_OUT = "flash_sold_out"
    FLASH_NOT_STARTED = "flash_not_started"
    FLASH_CLOSED = "flash_closed"
    CODE_WRONG = "code_wrong"
    CODE_USED = "code_used"
    GROUP_CLOSED = "group_closed"
    GROUP_FULL = "group_full"
    GROUP_JOINED = "group_joined"
