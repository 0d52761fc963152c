"""Reads of carts and orders."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .models import CartItem, Order, OrderSettings


def order_settings_get() -> OrderSettings:
    settings, _ = OrderSettings.objects.get_or_create(singleton=1)
    return settings


def cart_items_for(*, member) -> QuerySet[CartItem]:
    return CartItem.objects.filter(member=member).select_related("sku__product").order_by("-added_at", "-id")


def orders_for_member(*, member) -> QuerySet[Order]:
    return Order.objects.filter(member=member).prefetch_related("lines").order_by("-created_at", "-id")


def orders_overdue_unpaid(*, now: datetime) -> QuerySet[Order]:
    return Order.objects.filter(status=Order.Status.PENDING_PAYMENT, pay_deadline_at__lte=now).order_by("pk")


def orders_due_for_auto_receipt(*, now: datetime) -> QuerySet[Order]:
    return Order.objects.filter(status=Order.Status.SHIPPED, receive_deadline_at__lte=now).order_by("pk")


def orders_this_month_count(*, now: datetime | None = None) -> int:
    """Orders placed since the start of this calendar month (store time): what a plan's monthly limit counts."""
    local = timezone.localtime(now or timezone.now())
    return Order.objects.filter(created_at__gte=local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)).count()
