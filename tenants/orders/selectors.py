"""Reads of carts and orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.catalog.models import Product, ProductImage

from .models import CartItem, Order, OrderSettings


def order_settings_get() -> OrderSettings:
    settings, _ = OrderSettings.objects.get_or_create(singleton=1)
    return settings


def cart_items_for(*, member) -> QuerySet[CartItem]:
    return CartItem.objects.filter(member=member).select_related("sku__product").order_by("-added_at", "-id")


@dataclass(frozen=True)
class CartLineShown:
    """A cart row as the shopper sees it, with why it cannot be bought now (``problem``, empty when it can)."""

    item_id: int
    sku_id: int
    product_id: int
    title: str
    spec_values: dict
    image_url: str
    price_fen: int
    quantity: int
    selected: bool
    stock: int
    problem: str

    @property
    def buyable(self) -> bool:
        return not self.problem

    @property
    def amount_fen(self) -> int:
        return self.price_fen * self.quantity


def cart_shown(*, member) -> list[CartLineShown]:
    """The member's cart, newest first, each row explained: off sale, sold out, or more than is in stock."""
    items = cart_items_for(member=member).prefetch_related(
        Prefetch("sku__product__images", queryset=ProductImage.objects.order_by("position", "id")))
    lines = []
    for item in items:
        sku, product = item.sku, item.sku.product
        if not sku.is_active or product.status != Product.Status.ON_SALE:
            problem = _("已下架")
        elif sku.stock <= 0:
            problem = _("已售罄")
        elif item.quantity > sku.stock:
            problem = _("库存仅剩 %(n)s 件") % {"n": sku.stock}
        else:
            problem = ""
        image = next(iter(product.images.all()), None)
        lines.append(CartLineShown(
            item_id=item.pk, sku_id=sku.pk, product_id=product.pk, title=product.title, spec_values=sku.spec_values,
            image_url=image.image.url if image else "", price_fen=sku.price_fen, quantity=item.quantity,
            selected=item.selected, stock=sku.stock, problem=problem))
    return lines


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


def order_of_member(*, member, number: str) -> Order | None:
    """One of the member's orders with its lines and parcels (and their tracking), or None: another shopper's
    order, or another store's, is simply not there."""
    return (Order.objects.filter(member=member, number=number)
            .prefetch_related("lines", "shipments__events", "after_sales").first())
