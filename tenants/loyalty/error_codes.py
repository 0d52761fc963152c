"""The loyalty app's error codes: what its refusals say to clients, stable and documented."""

from enum import StrEnum

from core.errors import error_codes


@error_codes
class LoyaltyCode(StrEnum):
    POINTS_NOT_ENOUGH = "points_not_enough"
    POINTS_OVER_LIMIT = "points_over_limit"
    POINTS_OFF = "points_off"
    SIGNED_IN_TODAY = "signed_in_today"
