"""Catalog reads for shoppers."""

from __future__ import annotations

from functools import lru_cache

from django.db import connection
from django.db.models import Prefetch, QuerySet

from .models import Product, Sku
from .search import query_tokens

SORTS = {
    "newest": ("-published_at", "-id"),
    "price_asc": ("min_price_fen", "id"),
    "price_desc": ("-min_price_fen", "-id"),
    "sales": ("-sales_count", "-id"),
}


def product_list_for_shoppers(*, q: str = "", category_id: int | None = None, brand_id: int | None = None,
                              tag: str = "", min_price_fen: int | None = None, max_price_fen: int | None = None,
                              sort: str = "newest") -> QuerySet[Product]:
    """On-sale products only; search uses the GIN-indexed tokens, never a scan with LIKE."""
    products = Product.objects.filter(status=Product.Status.ON_SALE)
    if q and (tokens := query_tokens(q)):
        products = products.filter(search_tokens__contains=tokens)
    if category_id:
        products = products.filter(categories__id=category_id) | products.filter(categories__parent_id=category_id)
    if brand_id:
        products = products.filter(brand_id=brand_id)
    if tag:
        products = products.filter(tags__name=tag)
    if min_price_fen is not None:
        products = products.filter(min_price_fen__gte=min_price_fen)
    if max_price_fen is not None:
        products = products.filter(min_price_fen__lte=max_price_fen)
    if category_id:  # the category join may repeat a product
        products = products.distinct()
    return products.order_by(*SORTS.get(sort, SORTS["newest"])).only(
        "id", "title", "subtitle", "min_price_fen", "sales_count", "cover_image", "published_at")


LISTING_COLUMNS = ("id", "title", "subtitle", "min_price_fen", "sales_count", "cover_image")


def product_page_for_shoppers(*, offset: int, limit: int, **criteria) -> list[tuple]:
    """Rows of ``LISTING_COLUMNS`` for one page of ``product_list_for_shoppers(**criteria)``.

    The shop's hottest read: the ORM builds each statement once per process and keeps it, because building
    and compiling costs three times what running it does. Only the SQL is kept, never rows, and the SQL names
    no schema, so every store shares it (the connection's search path picks the store's tables)."""
    sql, params = _listing_statement(tuple(sorted(criteria.items())), offset, limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # A DISTINCT listing also selects its sort columns, after these.
        return [row[:len(LISTING_COLUMNS)] for row in cursor.fetchall()]


@lru_cache(maxsize=512)
def _listing_statement(criteria: tuple, offset: int, limit: int) -> tuple[str, tuple]:
    listing = product_list_for_shoppers(**dict(criteria)).values_list(*LISTING_COLUMNS)[offset:offset + limit]
    return listing.query.sql_with_params()


def product_detail_for_shoppers(*, product_id: int) -> Product | None:
    return (Product.objects.filter(pk=product_id, status=Product.Status.ON_SALE)
            .prefetch_related(Prefetch("skus", queryset=Sku.objects.filter(is_active=True)), "images", "tags")
            .first())


def low_stock_alerts() -> QuerySet[Sku]:
    """Active SKUs of listed products at or below their low-stock threshold, emptiest first."""
    from django.db.models import F

    return (Sku.objects.filter(is_active=True, stock__lte=F("low_stock_threshold"))
            .exclude(product__status=Product.Status.DRAFT).select_related("product").order_by("stock", "pk"))


def category_tree() -> list[dict]:
    from .models import Category

    categories = list(Category.objects.filter(is_active=True))
    children: dict[int, list[dict]] = {}
    for category in categories:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append({"id": category.pk, "name": category.name,
                                                                "icon": category.icon})
    return [{"id": c.pk, "name": c.name, "icon": c.icon, "children": children.get(c.pk, [])}
            for c in categories if c.parent_id is None]


def product_count() -> int:
    return Product.objects.count()


FEATURED_SORTS = {"newest": "newest", "bestselling": "sales"}


def products_featured(*, source: str, limit: int, product_ids: list[int] | None = None) -> list[tuple]:
    """A home-page block's products as ``LISTING_COLUMNS`` rows: the newest or best-selling on sale, or the
    merchant's own picks in the order picked (those no longer on sale left out)."""
    if source == "manual":
        rows = {row[0]: row for row in Product.objects.filter(
            pk__in=product_ids or [], status=Product.Status.ON_SALE).values_list(*LISTING_COLUMNS)}
        return [rows[pk] for pk in product_ids or [] if pk in rows][:limit]
    return product_page_for_shoppers(offset=0, limit=limit, sort=FEATURED_SORTS.get(source, "newest"))
