"""Catalog writes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

from .models import Product, Sku, StockMovement, Tag
from .search import tokenize


def product_refresh_listing_fields(*, product: Product) -> None:
    """Recompute what listings sort and search by: the lowest active SKU price and the search tokens."""
    prices = list(product.skus.filter(is_active=True).values_list("price_fen", flat=True))
    tags = " ".join(product.tags.values_list("name", flat=True))
    product.min_price_fen = min(prices) if prices else 0
    product.search_tokens = tokenize(f"{product.title} {product.subtitle} {tags}")
    product.save(update_fields=["min_price_fen", "search_tokens", "updated_at"])


@transaction.atomic
def product_create(*, title: str, skus: list[dict], subtitle: str = "", tags: list[str] | None = None,
                   publish: bool = False, actor: str = "system") -> Product:
    """A product with its SKUs (each: spec_values, price_fen, stock, and optionally original_price_fen,
    cost_fen, weight_g, barcode, low_stock_threshold). Initial stock is recorded as a stock movement."""
    fields: dict[str, list[str]] = {}
    if not title.strip() or len(title) > 120:
        fields["title"] = [_("请填写商品名称（最多 120 字）。")]
    if not skus:
        fields["skus"] = [_("至少需要一个规格。")]
    keys = set()
    for i, sku in enumerate(skus):
        key = ";".join(f"{k}:{v}" for k, v in sorted((sku.get("spec_values") or {}).items()))
        if key in keys:
            fields.setdefault("skus", []).append(_("第 %(n)s 个规格重复。") % {"n": i + 1})
        keys.add(key)
        if not isinstance(sku.get("price_fen"), int) or sku["price_fen"] <= 0:
            fields.setdefault("skus", []).append(_("第 %(n)s 个规格的价格无效。") % {"n": i + 1})
        if not isinstance(sku.get("stock", 0), int) or sku.get("stock", 0) < 0:
            fields.setdefault("skus", []).append(_("第 %(n)s 个规格的库存无效。") % {"n": i + 1})
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    product = Product.objects.create(
        title=title.strip(), subtitle=subtitle.strip(),
        status=Product.Status.ON_SALE if publish else Product.Status.DRAFT,
        published_at=timezone.now() if publish else None,
    )
    if tags:
        product.tags.set([Tag.objects.get_or_create(name=name.strip()[:20])[0] for name in tags if name.strip()])
    for sku_data in skus:
        spec_values = sku_data.get("spec_values") or {}
        sku = Sku.objects.create(
            product=product, spec_values=spec_values,
            spec_key=";".join(f"{k}:{v}" for k, v in sorted(spec_values.items())),
            price_fen=sku_data["price_fen"], original_price_fen=sku_data.get("original_price_fen"),
            cost_fen=sku_data.get("cost_fen"), stock=sku_data.get("stock", 0),
            weight_g=sku_data.get("weight_g", 0), barcode=sku_data.get("barcode", ""),
            low_stock_threshold=sku_data.get("low_stock_threshold", 0),
        )
        if sku.stock:
            StockMovement.objects.create(sku=sku, delta=sku.stock, stock_after=sku.stock,
                                         reason=StockMovement.Reason.INITIAL, actor=actor)
    product_refresh_listing_fields(product=product)
    return product
