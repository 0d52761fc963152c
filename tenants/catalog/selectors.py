"""Catalog reads for shoppers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from core.cache import kept_get
from core.images import thumbnail_url

from .models import Product, ProductImage, Sku
from .search import query_tokens

SORTS = {
    "newest": ("-published_at", "-id"),
    "price_asc": ("min_price_fen", "id"),
    "price_desc": ("-min_price_fen", "-id"),
    "sales": ("-sales_count", "-id"),
}


def product_list_for_shoppers(*, q: str = "", category_id: int | None = None,
                              category_ids: tuple[int, ...] = (), brand_id: int | None = None,
                              tag: str = "", min_price_fen: int | None = None, max_price_fen: int | None = None,
                              sort: str = "newest") -> QuerySet[Product]:
    """On-sale products only; search uses the GIN-indexed tokens, never a scan with LIKE. ``category_ids``: in
    any of these categories (a category and its children, as ``category_subtree`` gives them)."""
    products = Product.objects.filter(status=Product.Status.ON_SALE)
    if q and (tokens := query_tokens(q)):
        products = products.filter(search_tokens__contains=tokens)
    if category_id:  # the category's products and its children's, each once (no join to de-duplicate)
        in_category = Product.categories.through.objects.filter(
            Q(category_id=category_id) | Q(category__parent_id=category_id)).values("product_id")
        products = products.filter(pk__in=in_category)
    if category_ids:  # the same without the join to the categories: a fifth of the planning
        products = products.filter(pk__in=Product.categories.through.objects.filter(
            category_id__in=category_ids).values("product_id"))
    if brand_id:
        products = products.filter(brand_id=brand_id)
    if tag:
        products = products.filter(tags__name=tag)
    if min_price_fen is not None:
        products = products.filter(min_price_fen__gte=min_price_fen)
    if max_price_fen is not None:
        products = products.filter(min_price_fen__lte=max_price_fen)
    return products.order_by(*SORTS.get(sort, SORTS["newest"])).only(
        "id", "title", "subtitle", "min_price_fen", "sales_count", "cover_image", "published_at")


LISTING_COLUMNS = ("id", "title", "subtitle", "min_price_fen", "sales_count", "cover_image")


def product_page_for_shoppers(*, offset: int, limit: int, **criteria) -> list[tuple]:
    """Rows of ``LISTING_COLUMNS`` for one page of ``product_list_for_shoppers(**criteria)``.

    The shop's hottest read: the ORM builds each statement once per process and keeps it, because building
    and compiling costs three times what running it does. Only the SQL is kept, never rows, and the SQL names
    no schema, so every store shares it (the connection's search path picks the store's tables)."""
    if category_id := criteria.pop("category_id", None):
        criteria["category_ids"] = category_subtree(category_id)
    sql, params = _listing_statement(tuple(sorted(criteria.items())), offset, limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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


CATEGORIES_KEY = "catalog-categories-shown"  # the cache's keys carry the store's schema already
CATEGORIES_SECONDS = 300  # a change deletes it once committed; this bounds a page that put the old one back


def category_tree_shown() -> list[dict]:
    """``category_tree`` as shoppers' pages use it, kept in the cache until the merchant changes a category."""
    tree = kept_get(CATEGORIES_KEY)
    if tree is None:
        tree = category_tree()
        cache.set(CATEGORIES_KEY, tree, timeout=CATEGORIES_SECONDS)
    return tree


def category_subtree(category_id: int, tree: list[dict] | None = None) -> tuple[int, ...]:
    """The category and its active children, from the kept tree (the category alone when it is not in it)."""
    for top in category_tree_shown() if tree is None else tree:
        if top["id"] == category_id:
            return (category_id, *(child["id"] for child in top["children"]))
    return (category_id,)


def category_name_shown(category_id: int, tree: list[dict] | None = None) -> str | None:
    """The name of an active category (top-level or not) from the kept tree, or None."""
    for top in category_tree_shown() if tree is None else tree:
        if top["id"] == category_id:
            return top["name"]
        for child in top["children"]:
            if child["id"] == category_id:
                return child["name"]
    return None


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


@dataclass(frozen=True)
class SkuShown:
    id: int
    spec_values: dict[str, str]
    price_fen: int
    original_price_fen: int | None
    stock: int


@dataclass(frozen=True)
class ProductShown:
    """A product page as a shopper's browser shows it: read in one statement (its SKUs and images with it)."""

    id: int
    title: str
    subtitle: str
    description: str
    sales_count: int
    rating_count: int
    rating_total: int
    skus: list[SkuShown]
    image_urls: list[str]

    @property
    def rating(self) -> str:
        """The published reviews' average, to one decimal ("4.7"); empty with none."""
        return f"{self.rating_total / self.rating_count:.1f}" if self.rating_count else ""


_PRODUCT_PAGE_SQL = """
SELECT p.id, p.title, p.subtitle, p.description, p.sales_count, p.rating_count, p.rating_total,
       COALESCE((SELECT json_agg(json_build_object('id', s.id, 'spec_values', s.spec_values, 'price_fen', s.price_fen,
                                                   'original_price_fen', s.original_price_fen, 'stock', s.stock)
                                 ORDER BY s.id)
                   FROM {sku} s WHERE s.product_id = p.id AND s.is_active), '[]'),
       COALESCE((SELECT array_agg(i.image ORDER BY i.position, i.id) FROM {image} i WHERE i.product_id = p.id), '{{}}')
  FROM {product} p
 WHERE p.id = %s AND p.status = %s
"""


def product_page_shown(*, product_id: int) -> ProductShown | None:
    """An on-sale product with its active SKUs and its images in order, in one statement. Written as SQL: a
    shopper's busiest page after the listing, and the ORM's building of this query cost more than running it;
    it names no schema (the connection's search path picks the store's tables)."""
    sql = _PRODUCT_PAGE_SQL.format(product=Product._meta.db_table, sku=Sku._meta.db_table,
                                   image=ProductImage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [product_id, Product.Status.ON_SALE.value])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, title, subtitle, description, sales_count, rating_count, rating_total, skus, image_names = row
    storage = ProductImage._meta.get_field("image").storage
    return ProductShown(id=pk, title=title, subtitle=subtitle, description=description, sales_count=sales_count,
                        rating_count=rating_count, rating_total=rating_total, skus=[SkuShown(**sku) for sku in skus],
                        image_urls=[thumbnail_url(storage.url(n), 800) for n in image_names])
