"""Order exports as a background job with progress: a large store's export runs in its own worker (in the
store's schema), reports how far it got in the store's cache, and leaves a private file that only the
console serves to its staff."""

from __future__ import annotations

import io
import uuid

from celery import shared_task
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import Workbook

from core.money import format_fen
from core.tasks import TenantOnlyTask, enqueue_on_commit

from .filters import MerchantOrderFilter
from .models import Order

MAX_ROWS = 200_000
PROGRESS_EVERY = 500
JOB_TTL_S = 24 * 3600
HEADER = ["订单号", "下单时间", "状态", "商品", "规格", "数量", "行实付（元）", "运费（元）", "订单实付（元）",
          "已退款（元）", "收货人", "电话", "地址", "分销员ID"]


def _key(job_id: str) -> str:
    return f"export:orders:{job_id}"  # the cache key function adds the store's schema


def export_state(job_id: str) -> dict | None:
    return cache.get(_key(job_id))


def order_export_start(*, filters: dict, actor: str) -> str:
    """Queue an export of the orders ``filters`` select (as the console list reads them); returns the job id."""
    job_id = uuid.uuid4().hex
    cache.set(_key(job_id), {"status": "queued", "done": 0, "total": 0, "actor": actor}, JOB_TTL_S)
    enqueue_on_commit(export_orders, job_id, filters)
    return job_id


def _rows(orders):
    for order in orders:
        address = order.address or {}
        for line in order.lines.all():
            yield [order.number, timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M"),
                   order.get_status_display(), line.title, line.spec_text, line.quantity, format_fen(line.paid_fen),
                   format_fen(order.shipping_fen), format_fen(order.payable_fen), format_fen(order.refunded_fen),
                   address.get("recipient", ""), address.get("phone", ""),
                   " ".join(address.get(k, "") for k in ("province", "city", "district", "detail")),
                   order.distributor_id or ""]


def order_export_run(*, job_id: str, filters: dict) -> dict:
    """Write the export, one row per order line, updating the job's progress as it goes."""
    state = export_state(job_id) or {"actor": ""}
    orders = MerchantOrderFilter(filters, queryset=Order.objects.all().order_by("-created_at"))
    if not orders.is_valid():
        state.update(status="failed", error=str(dict(orders.errors)))
        cache.set(_key(job_id), state, JOB_TTL_S)
        return state
    queryset = orders.qs.prefetch_related("lines")
    total = min(queryset.count(), MAX_ROWS)
    state.update(status="running", done=0, total=total)
    cache.set(_key(job_id), state, JOB_TTL_S)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("订单")
    sheet.append(HEADER)
    done = 0
    for start in range(0, total, PROGRESS_EVERY):
        batch = list(queryset[start:min(start + PROGRESS_EVERY, total)])
        for row in _rows(batch):
            sheet.append(row)
        done += len(batch)
        state["done"] = done
        cache.set(_key(job_id), state, JOB_TTL_S)
    buffer = io.BytesIO()
    book.save(buffer)
    name = default_storage.save(f"private/exports/orders-{job_id}.xlsx", ContentFile(buffer.getvalue()))
    state.update(status="done", done=total, file=name)
    cache.set(_key(job_id), state, JOB_TTL_S)
    return state


@shared_task(base=TenantOnlyTask, name="tenants.orders.export")
def export_orders(job_id: str, filters: dict) -> dict:
    return order_export_run(job_id=job_id, filters=filters)
