"""Catalog writes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.limits import plan_limit_check
from core.errors import IllegalTransition, ValidationFailed
from core.images import thumbnail_url

from .models import CatalogSettings, Product, Sku, StockMovement, Tag
from .search import tokenize


def product_refresh_listing_fields(*, product: Product) -> None:
    """Recompute what listings sort and search by: the lowest active SKU price and the search tokens."""
    prices = list(product.skus.filter(is_active=True).values_list("price_fen", flat=True))
    tags = " ".join(product.tags.values_list("name", flat=True))
    first_image = product.images.order_by("position", "id").first()
    product.min_price_fen = min(prices) if prices else 0
    product.cover_image = thumbnail_url(first_image.image.url, 400) if first_image else ""
    product.search_tokens = tokenize(f"{product.title} {product.subtitle} {tags}")
    product.save(update_fields=["min_price_fen", "cover_image", "search_tokens", "updated_at"])


def spec_key(spec_values: dict[str, str]) -> str:
    """A SKU's spec values as one sortable key: "尺码:M;颜色:红" (empty for a product with one SKU)."""
    return ";".join(f"{k}:{v}" for k, v in sorted(spec_values.items()))


@dataclass(frozen=True)
class SkuInput:
    """One SKU as the editor and the seeders give it: its spec values ({"颜色": "红"}, empty for a product with
    one SKU), price in fen, and for a new SKU its initial stock (existing stock changes only by adjustment)."""

    price_fen: int
    spec_values: dict[str, str] = field(default_factory=dict)
    stock: int = 0
    original_price_fen: int | None = None
    cost_fen: int | None = None
    weight_g: int = 0
    barcode: str = ""
    low_stock_threshold: int = 0
    is_active: bool = True

    @property
    def key(self) -> str:
        return spec_key(self.spec_values)


def sku_problems(skus: list[SkuInput]) -> list[str]:
    """What is wrong with a SKU list, one message per problem, numbered as the merchant sees the rows."""
    problems, keys = [], set()
    if not skus:
        problems.append(_("至少需要一个规格。"))
    for i, sku in enumerate(skus, start=1):
        if sku.key in keys:
            problems.append(_("第 %(n)s 个规格重复。") % {"n": i})
        keys.add(sku.key)
        if sku.price_fen <= 0:
            problems.append(_("第 %(n)s 个规格的价格无效。") % {"n": i})
        if sku.stock < 0:
            problems.append(_("第 %(n)s 个规格的库存无效。") % {"n": i})
    return problems


@transaction.atomic
def product_create(*, title: str, skus: list[SkuInput], subtitle: str = "", tags: list[str] | None = None,
                   publish: bool = False, actor: str = "system") -> Product:
    """A product with its SKUs. Initial stock is recorded as a stock movement."""
    fields: dict[str, list[str]] = {}
    if not title.strip() or len(title) > 120:
        fields["title"] = [_("请填写商品名称（最多 120 字）。")]
    if problems := sku_problems(skus):
        fields["skus"] = problems
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    plan_limit_check(resource="products", count=Product.objects.count)
    product = Product.objects.create(
        title=title.strip(), subtitle=subtitle.strip(),
        status=Product.Status.ON_SALE if publish else Product.Status.DRAFT,
        published_at=timezone.now() if publish else None,
    )
    if tags:
        product.tags.set([Tag.objects.get_or_create(name=name.strip()[:20])[0] for name in tags if name.strip()])
    for sku in skus:
        created = Sku.objects.create(
            product=product, spec_values=sku.spec_values, spec_key=sku.key, price_fen=sku.price_fen,
            original_price_fen=sku.original_price_fen, cost_fen=sku.cost_fen, stock=sku.stock,
            weight_g=sku.weight_g, barcode=sku.barcode, low_stock_threshold=sku.low_stock_threshold,
            is_active=sku.is_active,
        )
        if created.stock:
            StockMovement.objects.create(sku=created, delta=created.stock, stock_after=created.stock,
                                         reason=StockMovement.Reason.INITIAL, actor=actor)
    product_refresh_listing_fields(product=product)
    return product


def _transition(product: Product, allowed: tuple[str, ...], target: str, action: str) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.status not in allowed:
        raise IllegalTransition(_("商品状态为“%(status)s”，不能%(action)s。") % {
            "status": product.get_status_display(), "action": action})
    product.status = target
    if target == Product.Status.ON_SALE and product.published_at is None:
        product.published_at = timezone.now()
    product.save(update_fields=["status", "published_at", "updated_at"])
    return product


@transaction.atomic
def product_put_on_sale(*, product: Product) -> Product:
    """List a product. With review turned on, a draft goes to review first."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if CatalogSettings.objects.filter(singleton=1, review_required=True).exists() and \
            product.status == Product.Status.DRAFT:
        return _transition(product, (Product.Status.DRAFT,), Product.Status.PENDING_REVIEW, _("提交审核"))
    return _transition(product, (Product.Status.DRAFT, Product.Status.OFF_SALE), Product.Status.ON_SALE, _("上架"))


@transaction.atomic
def product_review(*, product: Product, approve: bool) -> Product:
    target = Product.Status.ON_SALE if approve else Product.Status.DRAFT
    return _transition(product, (Product.Status.PENDING_REVIEW,), target, _("审核"))


@transaction.atomic
def product_take_off_sale(*, product: Product) -> Product:
    return _transition(product, (Product.Status.ON_SALE,), Product.Status.OFF_SALE, _("下架"))


def products_apply_schedules(*, now) -> tuple[int, int]:
    """Scheduled listing: products whose on-sale time has come go on sale (unless waiting for review),
    those whose off-sale time has come go off. Set-based; returns (listed, delisted)."""
    listed = (Product.objects.filter(scheduled_on_sale_at__lte=now, status__in=[Product.Status.DRAFT,
                                                                               Product.Status.OFF_SALE])
              .exclude(scheduled_off_sale_at__lte=now)
              .update(status=Product.Status.ON_SALE, scheduled_on_sale_at=None, published_at=now))
    delisted = (Product.objects.filter(scheduled_off_sale_at__lte=now, status=Product.Status.ON_SALE)
                .update(status=Product.Status.OFF_SALE, scheduled_off_sale_at=None))
    return listed, delisted
