"""Stock changes. Each is one conditional UPDATE ... RETURNING (no read-then-write), so concurrent buyers can
never take more than there is, plus a StockMovement row saying who, why and how much."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from core.errors import Conflict, ValidationFailed

from .error_codes import CatalogCode
from .models import Sku, StockMovement


class InsufficientStock(Conflict):
    code = CatalogCode.INSUFFICIENT_STOCK


def _record(sku_id: int, delta: int, stock_after: int, reason: str, reference: str, actor: str, note: str = ""):
    return StockMovement.objects.create(sku_id=sku_id, delta=delta, stock_after=stock_after, reason=reason,
                                        reference=reference, actor=actor, note=note)


def stock_reserve(*, sku_id: int, quantity: int, reference: str, actor: str) -> int:
    """Take ``quantity`` units for an order; returns the stock left. Raises InsufficientStock rather than
    oversell. Call inside the order's transaction, for an order's SKUs in ascending id order (no deadlocks)."""
    if quantity <= 0:
        raise ValidationFailed(_("数量必须大于 0。"))
    table = Sku._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET stock = stock - %s WHERE id = %s AND is_active AND stock >= %s RETURNING stock",  # noqa: S608
            [quantity, sku_id, quantity],
        )
        row = cursor.fetchone()
    if row is None:
        raise InsufficientStock(_("库存不足。"), fields={"sku_id": [str(sku_id)]})
    _record(sku_id, -quantity, row[0], StockMovement.Reason.ORDER_RESERVE, reference, actor)
    return row[0]


def stock_release(*, sku_id: int, quantity: int, reference: str, actor: str,
                  reason: str = StockMovement.Reason.ORDER_RELEASE) -> int:
    """Give units back (order cancelled or timed out, goods returned); returns the stock now."""
    if quantity <= 0:
        raise ValidationFailed(_("数量必须大于 0。"))
    table = Sku._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET stock = stock + %s WHERE id = %s RETURNING stock",  # noqa: S608
                       [quantity, sku_id])
        row = cursor.fetchone()
    if row is None:
        raise ValidationFailed(_("SKU 不存在。"))
    _record(sku_id, quantity, row[0], reason, reference, actor)
    return row[0]


def stock_adjust(*, sku_id: int, delta: int, actor: str, note: str) -> int:
    """A merchant's correction (stock take, damage, restock). Cannot take stock below zero."""
    if delta == 0:
        raise ValidationFailed(_("调整数量不能为 0。"), fields={"delta": [_("调整数量不能为 0。")]})
    if not note.strip():
        raise ValidationFailed(_("请填写调整原因。"), fields={"note": [_("请填写调整原因。")]})
    table = Sku._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET stock = stock + %s WHERE id = %s AND stock + %s >= 0 RETURNING stock",  # noqa: S608
            [delta, sku_id, delta],
        )
        row = cursor.fetchone()
    if row is None:
        raise InsufficientStock(_("调整后库存不能小于 0。"), fields={"delta": [_("调整后库存不能小于 0。")]})
    _record(sku_id, delta, row[0], StockMovement.Reason.ADJUSTMENT, "", actor, note.strip())
    return row[0]
