"""Catalog and inventory of one store. Prices are integer fen; stock never goes below zero."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogSettings(models.Model):
    """Store-wide catalog switches. One row per store."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    review_required = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"catalog settings (review_required={self.review_required})"


class Category(models.Model):
    """A two-level tree: top-level categories and their children (never deeper)."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    name = models.CharField(max_length=30)
    icon = models.CharField(max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="catalog_category_unique_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class Brand(models.Model):
    name = models.CharField(max_length=60, unique=True)
    logo = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=20, unique=True)

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING_REVIEW = "pending_review", _("待审核")
        ON_SALE = "on_sale", _("在售")
        OFF_SALE = "off_sale", _("已下架")

    title = models.CharField(max_length=120)
    subtitle = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)  # sanitised HTML
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="products")
    categories = models.ManyToManyField(Category, blank=True, related_name="products")
    tags = models.ManyToManyField(Tag, blank=True, related_name="products")
    # Spec options the SKU matrix is built from, e.g. [{"name": "颜色", "values": ["红", "蓝"]}, ...].
    specs = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    scheduled_on_sale_at = models.DateTimeField(null=True, blank=True)
    scheduled_off_sale_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Denormalised for listing: the lowest active SKU price, and units sold.
    min_price_fen = models.PositiveBigIntegerField(default=0)
    cover_image = models.CharField(max_length=300, blank=True)  # first image: listings need no extra query
    sales_count = models.PositiveIntegerField(default=0)
    # The published reviews' count and the sum of their ratings (1-5), kept by the reviews' services, so a
    # product page shows its average without counting.
    rating_count = models.PositiveIntegerField(default=0)
    rating_total = models.PositiveBigIntegerField(default=0)
    # Search tokens (lower-cased words, CJK unigrams and bigrams) of title, subtitle and tags; GIN-indexed.
    search_tokens = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            GinIndex(fields=["search_tokens"], name="catalog_product_search_gin"),
            models.Index(fields=["status", "-published_at", "-id"], name="catalog_product_newest"),
            models.Index(fields=["status", "min_price_fen"], name="catalog_product_price"),
            models.Index(fields=["status", "-sales_count"], name="catalog_product_sales"),
        ]

    def __str__(self) -> str:
        return self.title


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="products/%Y/%m/")  # tenant-aware storage: media/<schema>/...
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.product_id}#{self.position}"


class Sku(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus")
    # {"颜色": "红", "尺码": "M"}; spec_key is its canonical text, unique within the product.
    spec_values = models.JSONField(default=dict, blank=True)
    spec_key = models.CharField(max_length=200, blank=True)
    price_fen = models.PositiveBigIntegerField()
    original_price_fen = models.PositiveBigIntegerField(null=True, blank=True)
    cost_fen = models.PositiveBigIntegerField(null=True, blank=True)
    stock = models.IntegerField(default=0)
    low_stock_threshold = models.PositiveIntegerField(default=0)
    weight_g = models.PositiveIntegerField(default=0)
    barcode = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="catalog_sku_stock_not_negative"),
            models.UniqueConstraint(fields=["product", "spec_key"], name="catalog_sku_unique_spec_per_product"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}:{self.spec_key or '-'}"


class StockMovement(models.Model):
    """Every change of a SKU's stock: how much, why, who, and what it left."""

    class Reason(models.TextChoices):
        INITIAL = "initial", _("初始库存")
        ADJUSTMENT = "adjustment", _("手动调整")
        ORDER_RESERVE = "order_reserve", _("下单占用")
        ORDER_RELEASE = "order_release", _("取消释放")
        RETURN = "return", _("退货入库")

    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="movements")
    delta = models.IntegerField()
    stock_after = models.IntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reference = models.CharField(max_length=64, blank=True)  # e.g. the order number
    actor = models.CharField(max_length=150, blank=True)  # staff login, "member:<id>" or "system"
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sku_id} {self.delta:+d} ({self.reason})"
