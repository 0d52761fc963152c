"""Merchant console: the product list (filters, bulk listing, Excel) and the product editor (details, SKU
matrix from spec options, images upload and reorder, stock adjustments with reasons)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from console_frontend.excel import xlsx_response
from console_frontend.forms import form_page, form_status, form_submit
from core.errors import DomainError, ValidationFailed
from core.money import format_fen, parse_yuan
from core.text import ascii_digits, id_or_none
from tenants.catalog.editing import (
    category_save,
    category_set_active,
    parse_spec_options,
    product_image_delete,
    product_images_add,
    product_images_reorder,
    product_save,
    products_bulk_listing,
    spec_key,
    spec_matrix,
)
from tenants.catalog.models import Category, Product, StockMovement
from tenants.catalog.stock import stock_adjust

from .forms import CategoryForm
from .roles import console_area

PAGE_SIZE = 20
SKU_FIELDS = ("price", "original_price", "cost", "stock", "weight", "barcode", "low_stock")


def _products(request: HttpRequest):
    products = Product.objects.all().order_by("-created_at", "-id")
    status, q, category = request.GET.get("status", ""), request.GET.get("q", "").strip(), request.GET.get("category")
    if status in Product.Status.values:
        products = products.filter(status=status)
    if q:
        products = products.filter(title__icontains=q)
    if category and ascii_digits(category):
        products = products.filter(categories__id=int(category)).distinct()
    return products, status, q, category or ""


@console_area("catalog")
@require_http_methods(["GET", "POST"])
def product_list(request: HttpRequest) -> HttpResponse:
    message, problems = "", []
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("product_ids") if ascii_digits(i)]
        if not ids:
            message = _("请先勾选商品。")
        else:
            changed, problems = products_bulk_listing(product_ids=ids, on_sale=request.POST.get("action") == "on")
            if not problems:
                return redirect(f"{request.path}?{request.GET.urlencode()}")
            message = _("%(n)s 个商品已更新，以下未能更新：") % {"n": changed}
    products, status, q, category = _products(request)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console_frontend/catalog.html", {
        "store": request.tenant, "nav": "catalog", "page": page, "status": status, "q": q, "category": category,
        "statuses": Product.Status.choices, "categories": Category.objects.filter(is_active=True),
        "message": message, "problems": problems, "query": request.GET.urlencode()},
        status=400 if message else 200)


@console_area("catalog")
@require_GET
def product_export(request: HttpRequest) -> HttpResponse:
    """The filtered product list, one row per SKU, as Excel."""
    products, *_rest = _products(request)
    rows = ([product.pk, product.title, product.get_status_display(), sku.spec_key or "默认",
             format_fen(sku.price_fen), sku.stock, sku.barcode, product.sales_count]
            for product in products.prefetch_related("skus") for sku in product.skus.all())
    return xlsx_response(name="products", title="商品", rows=rows,
                         header=["商品ID", "商品名称", "状态", "规格", "售价（元）", "库存", "条码", "销量"])


def _sku_rows(request: HttpRequest, matrix: list[dict], existing: dict) -> tuple[list[dict], dict, list[dict]]:
    """The matrix as posted: rows for the service, field errors, and the values to show again."""
    rows, errors, shown = [], {}, []
    for i, spec_values in enumerate(matrix):
        raw = {name: request.POST.get(f"sku-{i}-{name}", "").strip() for name in SKU_FIELDS}
        raw["active"] = request.POST.get(f"sku-{i}-active") == "1"
        shown.append({"index": i, "spec_values": spec_values, **_names(spec_values),
                      "existing": existing.get(spec_key(spec_values)), **raw})
        row: dict = {"spec_values": spec_values, "is_active": raw["active"], "barcode": raw["barcode"][:40]}
        for name, field in (("price", "price_fen"), ("original_price", "original_price_fen"), ("cost", "cost_fen")):
            if raw[name] == "" and name != "price":
                row[field] = None
                continue
            try:
                row[field] = parse_yuan(raw[name])
            except ValueError:
                errors[f"sku-{i}-{name}"] = [_("请填写金额（元）。")]
        for name, field in (("stock", "stock"), ("weight", "weight_g"), ("low_stock", "low_stock_threshold")):
            if raw[name] and not ascii_digits(raw[name]):
                errors[f"sku-{i}-{name}"] = [_("请填写非负整数。")]
            else:
                row[field] = int(raw[name] or 0)
        rows.append(row)
    return rows, errors, shown


def _names(spec_values: dict) -> dict:
    """A row's key (what the form carries back) and label (what the merchant reads: "红 / M")."""
    return {"key": spec_key(spec_values), "label": " / ".join(spec_values.values()) or _("默认")}


def _rows_for(product: Product | None, matrix: list[dict]) -> list[dict]:
    """The matrix as first shown: existing SKUs' values, new combinations empty (and active)."""
    existing = {sku.spec_key: sku for sku in product.skus.all()} if product else {}
    shown = []
    for i, spec_values in enumerate(matrix):
        sku = existing.get(spec_key(spec_values))
        shown.append({"index": i, "spec_values": spec_values, **_names(spec_values),
                      "existing": sku, "active": sku.is_active if sku else True,
                      "price": format_fen(sku.price_fen) if sku else "",
                      "original_price": format_fen(sku.original_price_fen) if sku and sku.original_price_fen else "",
                      "cost": format_fen(sku.cost_fen) if sku and sku.cost_fen else "",
                      "stock": "", "weight": sku.weight_g if sku else "", "barcode": sku.barcode if sku else "",
                      "low_stock": sku.low_stock_threshold if sku else ""})
    return shown


def _specs_text(product: Product | None) -> str:
    return "\n".join(f"{s['name']}: {', '.join(s['values'])}" for s in (product.specs if product else []))


@console_area("catalog")
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, product_id: int | None = None) -> HttpResponse:
    product = get_object_or_404(Product.objects.prefetch_related("skus", "images", "categories", "tags"),
                                pk=product_id) if product_id else None
    errors: dict[str, list[str]] = {}
    message = ""
    form = {"title": product.title if product else "", "subtitle": product.subtitle if product else "",
            "description": strip_tags(product.description) if product else "",
            "specs": _specs_text(product), "tags": ", ".join(t.name for t in product.tags.all()) if product else "",
            "categories": [c.pk for c in product.categories.all()] if product else []}
    try:
        options = parse_spec_options(form["specs"])
    except ValidationFailed:
        options = []
    rows = _rows_for(product, spec_matrix(options))
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action in {"save", "matrix"}:
                form = {"title": request.POST.get("title", ""), "subtitle": request.POST.get("subtitle", ""),
                        "description": request.POST.get("description", ""), "specs": request.POST.get("specs", ""),
                        "tags": request.POST.get("tags", ""),
                        "categories": [int(c) for c in request.POST.getlist("categories") if ascii_digits(c)]}
                options = parse_spec_options(form["specs"])
                existing = {sku.spec_key: sku for sku in product.skus.all()} if product else {}
                if action == "matrix":  # re-price: keep what was typed for combinations that remain
                    posted = {spec_key(r["spec_values"]): r for r in _sku_rows(
                        request, [r["spec_values"] for r in _posted_matrix(request)], existing)[2]}
                    rows = [{**row, **{k: v for k, v in posted.get(spec_key(row["spec_values"]), {}).items()
                                       if k not in {"index", "existing"}}}
                            for row in _rows_for(product, spec_matrix(options))]
                else:
                    sku_rows, sku_errors, rows = _sku_rows(request, spec_matrix(options), existing)
                    if sku_errors:
                        raise ValidationFailed(_("请修正标出的字段。"), fields=sku_errors)
                    saved = product_save(product=product, title=form["title"], subtitle=form["subtitle"],
                                         description=form["description"], category_ids=form["categories"],
                                         tags=[t for t in form["tags"].replace("，", ",").split(",")],
                                         specs=options, skus=sku_rows, actor=request.user.get_username())
                    return redirect(f"{reverse('console-product', kwargs={'product_id': saved.pk})}?saved=1")
            elif product is None:
                raise ValidationFailed(_("请先保存商品。"))
            elif action == "upload":
                product_images_add(product=product, uploads=request.FILES.getlist("images"))
                return redirect(f"{reverse('console-product', kwargs={'product_id': product.pk})}#images")
            elif action in {"image_up", "image_down", "image_delete"}:
                image_id = int(request.POST.get("image_id", "0") or 0)
                if action == "image_delete":
                    product_image_delete(product=product, image_id=image_id)
                else:
                    order = [image.pk for image in product.images.all()]
                    if image_id in order:
                        i = order.index(image_id)
                        j = max(0, i - 1) if action == "image_up" else min(len(order) - 1, i + 1)
                        order[i], order[j] = order[j], order[i]
                    product_images_reorder(product=product, image_ids=order)
                return redirect(f"{reverse('console-product', kwargs={'product_id': product.pk})}#images")
            elif action == "adjust":
                sku = get_object_or_404(product.skus, pk=request.POST.get("sku_id"))
                delta = request.POST.get("delta", "").strip()
                if not ascii_digits(delta.lstrip("-")):
                    raise ValidationFailed(_("请填写调整数量（正数入库，负数出库）。"),
                                           fields={"delta": [_("请填写调整数量（正数入库，负数出库）。")]})
                stock_adjust(sku_id=sku.pk, delta=int(delta), actor=request.user.get_username(),
                             note=request.POST.get("note", ""))
                return redirect(f"{reverse('console-product', kwargs={'product_id': product.pk})}#stock")
            elif action in {"on", "off"}:
                products_bulk_listing(product_ids=[product.pk], on_sale=action == "on")
                return redirect(reverse("console-product", kwargs={"product_id": product.pk}))
        except DomainError as exc:
            errors, message = exc.fields, exc.message
            for row in rows:
                row["errors"] = [e for key, messages in errors.items() if key.startswith(f"sku-{row['index']}-")
                                 for e in messages]
    return render(request, "console_frontend/product_edit.html", {
        "store": request.tenant, "nav": "catalog", "product": product, "form": form, "rows": rows,
        "errors": errors, "message": message, "categories": Category.objects.filter(is_active=True),
        "saved": request.GET.get("saved") == "1", "sku_fields": SKU_FIELDS,
        "movements": _recent_movements(product)}, status=400 if message else 200)


def _posted_matrix(request: HttpRequest) -> list[dict]:
    """The combinations the page showed before this post (hidden fields), to carry typed prices over."""
    rows, i = [], 0
    while (key := request.POST.get(f"sku-{i}-key")) is not None:
        rows.append({"spec_values": dict(part.split(":", 1) for part in key.split(";") if ":" in part)})
        i += 1
    return rows


def _recent_movements(product: Product | None) -> list[StockMovement]:
    if product is None:
        return []
    return list(StockMovement.objects.filter(sku__product=product).select_related("sku").order_by("-created_at")[:20])


@console_area("catalog")
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    """The two-level category tree shoppers browse: add, rename, move, hide and show again."""
    editing = Category.objects.filter(pk=id_or_none(request.GET.get("category"))).first()
    initial = CategoryForm.initial_from(editing)
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    form = CategoryForm(request.POST if action == "save" else None, initial=initial)
    if action in {"hide", "show"}:
        category_set_active(category=get_object_or_404(Category, pk=id_or_none(request.POST.get("category_id"))),
                            active=action == "show")
        return redirect(reverse("console-categories") + "?saved=1")
    if form.is_bound and form_submit(form, lambda: category_save(
            category=editing, name=form.cleaned_data["name"], parent_id=form.cleaned_data["parent"],
            sort_order=form.cleaned_data["sort_order"], icon=form.cleaned_data["icon"])):
        return redirect(reverse("console-categories") + "?saved=1")
    tops = list(Category.objects.filter(parent__isnull=True).prefetch_related("children"))
    return render(request, "console_frontend/categories.html", {
        "store": request.tenant, "nav": "catalog", "tops": tops, "editing": editing,
        "saved": request.GET.get("saved") == "1", **form_page(form, initial)},
        status=form_status(form))
