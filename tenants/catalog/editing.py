"""What the console's product editor writes: a product's details and SKU matrix, its images (upload,
reorder, remove) and bulk listing. Stock of existing SKUs changes only through ``stock.stock_adjust``
(with a reason), never by editing a number."""

from __future__ import annotations

import itertools
import re

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from core.cache import forget_on_commit
from core.errors import DomainError, ValidationFailed
from core.images import image_accept

from .models import Category, Product, ProductImage, Sku, StockMovement, Tag
from .selectors import CATEGORIES_KEY
from .services import (
    SkuInput,
    product_create,
    product_put_on_sale,
    product_refresh_listing_fields,
    product_take_off_sale,
    sku_problems,
)

MAX_IMAGES = 12
MAX_SPEC_NAMES, MAX_SPEC_VALUES = 3, 20


def parse_spec_options(text: str) -> list[tuple[str, list[str]]]:
    """'颜色: 红, 蓝' per line -> [("颜色", ["红", "蓝"])]. Raises ValidationFailed on a malformed line."""
    options: list[tuple[str, list[str]]] = []
    for line in str(text).splitlines():
        if not line.strip():
            continue
        name, sep, values = line.replace("：", ":").partition(":")
        name = name.strip()
        values_list = [v.strip() for v in re.split(r"[,，、]", values) if v.strip()]
        if not sep or not name.strip() or not values_list or len(set(values_list)) != len(values_list) or \
                any(c in part for part in (name, *values_list) for c in ":;"):
            raise ValidationFailed(_("规格格式：每行一个，如“颜色: 红, 蓝”，值不能重复。"),
                                   fields={"specs": [_("规格格式：每行一个，如“颜色: 红, 蓝”，值不能重复。")]})
        options.append((name.strip()[:10], [v[:20] for v in values_list]))
    if len(options) > MAX_SPEC_NAMES or any(len(v) > MAX_SPEC_VALUES for _n, v in options) or \
            len({n for n, _v in options}) != len(options):
        raise ValidationFailed(_("最多 3 种规格、每种 20 个值，规格名不能重复。"),
                               fields={"specs": [_("最多 3 种规格、每种 20 个值，规格名不能重复。")]})
    return options


def spec_matrix(options: list[tuple[str, list[str]]]) -> list[dict]:
    """Every combination of the options, in order: the SKU rows to price."""
    if not options:
        return [{}]
    names = [name for name, _values in options]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(v for _n, v in options))]


def _details(product: Product, *, title: str, subtitle: str, description: str, category_ids: list[int],
             tags: list[str]) -> None:
    if category_ids:
        known = set(Category.objects.filter(pk__in=category_ids, is_active=True).values_list("pk", flat=True))
        if known != set(category_ids):
            raise ValidationFailed(_("有不存在的分类。"), fields={"categories": [_("有不存在的分类。")]})
    product.title, product.subtitle = title.strip(), subtitle.strip()[:200]
    product.description = linebreaks(description.strip(), autoescape=True) if description.strip() else ""
    product.save()
    product.categories.set(category_ids)
    product.tags.set([Tag.objects.get_or_create(name=name.strip()[:20])[0] for name in tags if name.strip()])


@transaction.atomic
def product_save(*, product: Product | None, title: str, subtitle: str, description: str, category_ids: list[int],
                 tags: list[str], specs: list[tuple[str, list[str]]], skus: list[SkuInput], actor: str) -> Product:
    """Create a product or update one from the editor: its details and its SKU matrix. An existing SKU keeps
    its stock (``stock`` counts only for new ones); SKUs missing from the matrix are deactivated, never deleted
    (orders refer to them)."""
    if product is None:
        product = product_create(title=title, subtitle=subtitle, skus=skus, actor=actor)
        product.specs = [{"name": n, "values": v} for n, v in specs]
        _details(product, title=title, subtitle=subtitle, description=description, category_ids=category_ids,
                 tags=tags)
        product_refresh_listing_fields(product=product)
        return product
    product = Product.objects.select_for_update().get(pk=product.pk)
    fields: dict[str, list[str]] = {}
    if not title.strip() or len(title) > 120:
        fields["title"] = [_("请填写商品名称（最多 120 字）。")]
    if problems := sku_problems(skus):
        fields["skus"] = problems
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    existing = {sku.spec_key: sku for sku in Sku.objects.select_for_update().filter(product=product)}
    for row in skus:
        sku = existing.get(row.key) or Sku(product=product, spec_values=row.spec_values, spec_key=row.key,
                                           stock=row.stock)
        sku.price_fen, sku.original_price_fen, sku.cost_fen = row.price_fen, row.original_price_fen, row.cost_fen
        sku.barcode, sku.weight_g, sku.low_stock_threshold = row.barcode, row.weight_g, row.low_stock_threshold
        sku.is_active = row.is_active
        is_new = sku.pk is None
        sku.save()
        if is_new and sku.stock:
            StockMovement.objects.create(sku=sku, delta=sku.stock, stock_after=sku.stock,
                                         reason=StockMovement.Reason.INITIAL, actor=actor)
    wanted = {row.key for row in skus}
    Sku.objects.filter(product=product).exclude(spec_key__in=wanted).update(is_active=False)
    product.specs = [{"name": n, "values": v} for n, v in specs]
    _details(product, title=title, subtitle=subtitle, description=description, category_ids=category_ids,
             tags=tags)
    product_refresh_listing_fields(product=product)
    return product


@transaction.atomic
def product_images_add(*, product: Product, uploads: list[UploadedFile]) -> list[ProductImage]:
    """Append images (checked to really be images) after the existing ones; the first is the cover."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    count = product.images.count()
    if not uploads:
        raise ValidationFailed(_("请选择图片。"), fields={"images": [_("请选择图片。")]})
    if count + len(uploads) > MAX_IMAGES:
        message = _("每个商品最多 %(n)s 张图片。") % {"n": MAX_IMAGES}
        raise ValidationFailed(message, fields={"images": [message]})
    checked = [image_accept(upload) for upload in uploads]  # all checked before any is stored
    last = product.images.aggregate(m=Max("position"))["m"]
    start = 0 if last is None else last + 1
    images = [ProductImage.objects.create(product=product, image=image.file, position=start + i)
              for i, image in enumerate(checked)]
    product_refresh_listing_fields(product=product)
    return images


@transaction.atomic
def product_images_reorder(*, product: Product, image_ids: list[int]) -> None:
    """Put the product's images in the order given (all of them, each once)."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    current = set(product.images.values_list("pk", flat=True))
    if set(image_ids) != current or len(image_ids) != len(current):
        message = _("图片顺序无效，请刷新后重试。")
        raise ValidationFailed(message, fields={"images": [message]})
    for position, image_id in enumerate(image_ids):
        ProductImage.objects.filter(pk=image_id).update(position=position)
    product_refresh_listing_fields(product=product)


def product_image_move(*, product: Product, image_id: int, step: int) -> None:
    """Move one image a place earlier (``step`` -1) or later (+1); at either end it stays."""
    order = list(product.images.values_list("pk", flat=True))
    if image_id not in order:
        raise ValidationFailed(_("图片不存在。"), fields={"images": [_("图片不存在。")]})
    i = order.index(image_id)
    j = min(len(order) - 1, max(0, i + step))
    order[i], order[j] = order[j], order[i]
    product_images_reorder(product=product, image_ids=order)


@transaction.atomic
def product_image_delete(*, product: Product, image_id: int) -> None:
    product = Product.objects.select_for_update().get(pk=product.pk)
    image = product.images.filter(pk=image_id).first()
    if image is None:
        raise ValidationFailed(_("图片不存在。"), fields={"images": [_("图片不存在。")]})
    storage, name = image.image.storage, image.image.name
    image.delete()
    transaction.on_commit(lambda: storage.delete(name))  # the file goes once the row is surely gone
    product_refresh_listing_fields(product=product)


def products_bulk_listing(*, product_ids: list[int], on_sale: bool) -> tuple[int, list[str]]:
    """Put many products on or off sale, each in its own transaction; returns (changed, problems)."""
    changed, problems = 0, []
    for product in Product.objects.filter(pk__in=product_ids).order_by("pk"):
        try:
            (product_put_on_sale if on_sale else product_take_off_sale)(product=product)
            changed += 1
        except DomainError as exc:
            problems.append(f"{product.title}: {exc.message}")
    return changed, problems


MAX_SORT_ORDER = 10_000


@transaction.atomic
def category_save(*, category: Category | None, name: str, parent_id: int | None, sort_order: int = 100,
                  icon: str = "") -> Category:
    """Create or rename a category of the two-level tree (a child's parent must be top-level)."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    parent = Category.objects.filter(pk=parent_id, parent__isnull=True).first() if parent_id else None
    if not name or len(name) > 30:
        errors["name"] = [_("请填写分类名称（30 字以内）。")]
    elif (Category.objects.filter(parent=parent, name=name).exclude(pk=category.pk) if category
          else Category.objects.filter(parent=parent, name=name)).exists():
        errors["name"] = [_("同一级下已有同名分类。")]
    if parent_id and (parent is None or (category and parent.pk == category.pk)):
        errors["parent"] = [_("上级只能是一级分类。")]
    elif category and parent and category.children.exists():
        errors["parent"] = [_("有子分类的分类不能再放到其他分类下（最多两级）。")]
    if not 0 <= sort_order <= MAX_SORT_ORDER:
        errors["sort_order"] = [_("请填写 0 到 10000 之间的整数。")]
    if errors:
        raise ValidationFailed(_("请修正标出的字段。"), fields=errors)
    category = category or Category()
    category.name, category.parent, category.sort_order = name, parent, sort_order
    category.icon = icon.strip()[:200]
    category.save()
    forget_on_commit(CATEGORIES_KEY)  # shoppers' pages read the tree afresh
    return category


@transaction.atomic
def category_set_active(*, category: Category, active: bool) -> Category:
    """Hide a category (and its children) from shoppers, or show it again; products keep it."""
    Category.objects.filter(Q(pk=category.pk) | Q(parent=category)).update(is_active=active)
    forget_on_commit(CATEGORIES_KEY)  # shoppers' pages read the tree afresh
    category.refresh_from_db()
    return category
