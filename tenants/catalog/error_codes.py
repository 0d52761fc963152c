"""The catalog app's error codes: what its refusals say to clients, stable and documented."""

from enum import StrEnum

from core.errors import error_codes


@error_codes
class CatalogCode(StrEnum):
    INSUFFICIENT_STOCK = "insufficient_stock"
