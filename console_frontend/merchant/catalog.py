"""Merchant console: the product list (filters, bulk listing, Excel) and the product editor (details, SKU
matrix from spec options, images upload and reorder, stock adjustments with reasons)."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from console_frontend.excel import xlsx_response
from console_frontend.forms import form_done, form_message, form_page, form_status, form_submit, posted_action
from control_plane.tenancy.requests import StoreRequest
from core.money import format_fen
from core.text import ascii_digits, id_or_none
from tenants.catalog.editing import (
    category_save,
    category_set_active,
    product_image_delete,
    product_image_move,
    product_images_add,
    product_save,
    products_bulk_listing,
)
from tenants.catalog.models import Category, Product, StockMovement
from tenants.catalog.services import product_put_on_sale, product_take_off_sale
from tenants.catalog.stock import stock_adjust
from tenants.loyalty.levels import member_levels, product_level_prices, product_level_prices_set
from tenants.loyalty.models import MemberLevel

from .forms import (
    BulkListingForm,
    CategoryForm,
    CategoryVisibilityForm,
    ImageForm,
    ImagesUploadForm,
    ProductForm,
    SkuMatrixFormSet,
    StockAdjustForm,
)
from .member_forms import MemberPricesForm
from .roles import console_area

PAGE_SIZE = 20


def _products(request: StoreRequest):
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
def product_list(request: StoreRequest) -> HttpResponse:
    form = BulkListingForm(request.POST if request.method == "POST" else None)
    message, problems = "", list[str]()
    if form.is_valid():
        changed, problems = products_bulk_listing(product_ids=[p.pk for p in form.cleaned_data["product_ids"]],
                                                  on_sale=form.cleaned_data["action"] == "on")
        if not problems:
            return redirect(f"{request.path}?{request.GET.urlencode()}")
        message = _("%(n)s 个商品已更新，以下未能更新：") % {"n": changed}
    elif form.is_bound:
        message = form_message(form)
    products, status, q, category = _products(request)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console_frontend/catalog.html", {
        "store": request.tenant, "nav": "catalog", "page": page, "status": status, "q": q, "category": category,
        "statuses": Product.Status.choices, "categories": Category.objects.filter(is_active=True),
        "message": message, "problems": problems, "query": request.GET.urlencode()},
        status=400 if message else 200)


@console_area("catalog")
@require_GET
def product_export(request: StoreRequest) -> HttpResponse:
    """The filtered product list, one row per SKU, as Excel."""
    products, *_rest = _products(request)
    rows = ([product.pk, product.title, product.get_status_display(), sku.spec_key or "默认",
             format_fen(sku.price_fen), sku.stock, sku.barcode, product.sales_count]
            for product in products.prefetch_related("skus") for sku in product.skus.all())
    return xlsx_response(name="products", title="商品", rows=rows,
                         header=["商品ID", "商品名称", "状态", "规格", "售价（元）", "库存", "条码", "销量"])


def _product_page(request: StoreRequest, product: Product | None, details: ProductForm, matrix,
                  side_form: forms.Form | None = None) -> HttpResponse:
    """The editor: details, the SKU matrix, and (for a saved product) its images and stock, with the errors of
    whichever of its forms was posted."""
    page = form_page(details, ProductForm.initial_from(product))
    side_errors = side_form.errors if side_form is not None else {}
    if matrix.is_bound and any(matrix.errors) and not page["message"]:
        page["message"] = _("请修正标出的字段。")
    if side_errors:
        page["errors"].update({name: list(messages) for name, messages in side_errors.items()})
        page["message"] = page["message"] or " ".join(str(m) for messages in side_errors.values() for m in messages)
    status = max(form_status(details), form_status(side_form), 400 if matrix.is_bound and any(matrix.errors) else 200)
    return render(request, "console_frontend/product_edit.html", {
        "store": request.tenant, "nav": "catalog", "product": product, "matrix": matrix,
        "categories": Category.objects.filter(is_active=True), "saved": request.GET.get("saved") == "1",
        "chosen_categories": [str(pk) for pk in details["categories"].value() or []],
        "movements": _recent_movements(product), "member_prices": _member_prices(product), **page}, status=status)


def _member_prices(product: Product | None) -> list[tuple[MemberLevel, int | None]]:
    """Each level with the product's own member discount for it (None: the level's own)."""
    if product is None:
        return []
    own = product_level_prices(product_id=product.pk)
    return [(level, own.get(level.rank)) for level in member_levels()]


def _edit(request: StoreRequest, product: Product | None) -> HttpResponse:
    """Save the details and the matrix in one go; or, for "生成规格表", lay the matrix out again for the options
    as typed, keeping what was typed for the combinations that remain."""
    details = ProductForm(request.POST)
    if posted_action(request, default="save") == "matrix":
        details.is_valid()  # the options' errors, shown in place
        matrix = SkuMatrixFormSet(product=product, options=details.options(),
                                  carried=SkuMatrixFormSet.typed(request.POST))
        return _product_page(request, product, details, matrix)
    matrix = SkuMatrixFormSet(request.POST, product=product, options=details.options())
    if not matrix.is_valid():
        details.is_valid()
        return _product_page(request, product, details, matrix)
    saved = form_submit(details, lambda: product_save(
        product=product, title=details.cleaned_data["title"], subtitle=details.cleaned_data["subtitle"],
        description=details.cleaned_data["description"],
        category_ids=[c.pk for c in details.cleaned_data["categories"]], tags=details.cleaned_data["tags"],
        specs=details.cleaned_data["specs"], skus=matrix.skus(), actor=request.user.get_username()))
    if saved is None:
        return _product_page(request, product, details, matrix)
    return redirect(f"{reverse('console-product', kwargs={'product_id': saved.pk})}?saved=1")


def _side_action(request: StoreRequest, product: Product, action: str) -> tuple[forms.Form, str] | None:
    """The saved product's other forms: images (upload, move, remove), a stock adjustment, member prices, listing.
    The form that was posted and the part of the page to go back to, or None for an action this page does not have."""
    user = request.user.get_username()
    if action == "upload":
        upload = ImagesUploadForm(request.POST, request.FILES)
        form_done(upload, lambda: product_images_add(product=product, uploads=upload.cleaned_data["images"]))
        return upload, "images"
    if action in IMAGE_STEPS:
        image = ImageForm(request.POST, product=product)
        form_done(image, lambda: product_image_move(
            product=product, image_id=image.cleaned_data["image_id"].pk, step=IMAGE_STEPS[action]))
        return image, "images"
    if action == "image_delete":
        image = ImageForm(request.POST, product=product)
        form_done(image, lambda: product_image_delete(product=product, image_id=image.cleaned_data["image_id"].pk))
        return image, "images"
    if action == "adjust":
        adjust = StockAdjustForm(request.POST, product=product)
        form_done(adjust, lambda: stock_adjust(sku_id=adjust.cleaned_data["sku_id"].pk,
                                                 delta=adjust.cleaned_data["delta"], actor=user,
                                                 note=adjust.cleaned_data["note"]))
        return adjust, "stock"
    if action == "member_prices":
        prices = MemberPricesForm(request.POST, levels=member_levels())
        form_done(prices, lambda: product_level_prices_set(product_id=product.pk, prices=prices.prices()))
        return prices, "member-prices"
    if action in {"on", "off"}:
        listing = forms.Form(request.POST)
        form_done(listing, lambda: (product_put_on_sale if action == "on" else product_take_off_sale)(
            product=product))
        return listing, ""
    return None


IMAGE_STEPS = {"image_up": -1, "image_down": 1}


@console_area("catalog")
@require_http_methods(["GET", "POST"])
def product_edit(request: StoreRequest, product_id: int | None = None) -> HttpResponse:
    product = get_object_or_404(Product.objects.prefetch_related("skus", "images", "categories", "tags"),
                                pk=product_id) if product_id else None
    action = posted_action(request, default="save")
    if action in {"save", "matrix"}:  # the main form; any other button is one of the side forms
        return _edit(request, product)
    details = ProductForm(initial=ProductForm.initial_from(product))
    matrix = SkuMatrixFormSet(product=product, options=details.options())
    if product is None or request.method != "POST" or (done := _side_action(request, product, action)) is None:
        return _product_page(request, product, details, matrix)
    form, part = done
    if form.errors:
        return _product_page(request, product, details, matrix, side_form=form)
    return redirect(reverse("console-product", kwargs={"product_id": product.pk}) + (f"#{part}" if part else ""))


def _recent_movements(product: Product | None) -> list[StockMovement]:
    if product is None:
        return []
    return list(StockMovement.objects.filter(sku__product=product).select_related("sku").order_by("-created_at")[:20])


@console_area("catalog")
@require_http_methods(["GET", "POST"])
def categories(request: StoreRequest) -> HttpResponse:
    """The two-level category tree shoppers browse: add, rename, move, hide and show again."""
    editing = Category.objects.filter(pk=pk).first() if (pk := id_or_none(request.GET.get("category"))) else None
    initial = CategoryForm.initial_from(editing)
    action = posted_action(request, default="save")
    form = CategoryForm(request.POST if action == "save" else None, initial=initial)
    visibility = CategoryVisibilityForm(request.POST if action in {"hide", "show"} else None)
    if form_done(visibility, lambda: category_set_active(category=visibility.cleaned_data["category_id"],
                                                           active=action == "show")):
        return redirect(reverse("console-categories") + "?saved=1")
    if form_done(form, lambda: category_save(
            category=editing, name=form.cleaned_data["name"], parent_id=form.cleaned_data["parent"],
            sort_order=form.cleaned_data["sort_order"], icon=form.cleaned_data["icon"])):
        return redirect(reverse("console-categories") + "?saved=1")
    tops = list(Category.objects.filter(parent__isnull=True).prefetch_related("children"))
    return render(request, "console_frontend/categories.html", {
        "store": request.tenant, "nav": "catalog", "tops": tops, "editing": editing,
        "saved": request.GET.get("saved") == "1", **form_page(form, initial),
        **({"message": form_message(visibility)} if visibility.errors else {})},
        status=max(form_status(form), form_status(visibility)))
