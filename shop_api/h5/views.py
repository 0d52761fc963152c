"""The H5 storefront for shoppers in a phone's browser, server-rendered: the home page from the store's
layout with its real products, the category tree, search and listings, and product pages."""

from __future__ import annotations

from datetime import timedelta

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from control_plane.tenancy.requests import StoreRequest
from core.cache import kept_together
from core.money import format_fen
from tenants.catalog.selectors import (
    CATEGORIES_KEY,
    LISTING_COLUMNS,
    ProductShown,
    category_name_shown,
    category_subtree,
    category_tree_shown,
    product_page_for_shoppers,
    product_page_shown,
    products_featured,
)
from tenants.distribution.selectors import DISTRIBUTION_ON_KEY, distribution_on_shown
from tenants.loyalty.levels import member_level
from tenants.marketing.board import BOARD_KEY
from tenants.marketing.selectors import flash_items_on_show, product_promotions
from tenants.marketing.services import coupon_summary
from tenants.members.selectors import is_favourite
from tenants.members.services import history_record
from tenants.orders.reviews import reviews_published
from tenants.storefront.selectors import SHOWN_KEY, storefront_shown

from .forms import SORT_CHOICES, ListingForm
from .session import h5_member, h5_page

PAGE_SIZE = 20
REVIEWS_SHOWN = 3


def _cards(rows: list[tuple], empty_text: str) -> SafeString:
    """Listing rows as the grid of product cards, written here in one pass: a template's variable lookups and
    escaping per card and field cost more than the page's query. Every text is escaped."""
    detail = reverse("h5-product", kwargs={"product_id": 0}).removesuffix("0/")
    cards = []
    for row in rows:
        card = dict(zip(LISTING_COLUMNS, row, strict=True))
        title = escape(card["title"])
        picture = (f'<img src="{escape(card["cover_image"])}" alt="{title}" loading="lazy">' if card["cover_image"]
                   else '<span class="noimg" aria-hidden="true"></span>')
        subtitle = f'<span class="sub">{escape(card["subtitle"])}</span>' if card["subtitle"] else ""
        sold = ngettext("已售 %(n)s", "已售 %(n)s", card["sales_count"]) % {"n": card["sales_count"]}
        cards.append(f'<a class="card" href="{detail}{card["id"]}/" data-product="{card["id"]}">\n{picture}\n'
                     f'<span class="title">{title}</span>{subtitle}\n'
                     f'<span class="price">¥{format_fen(card["min_price_fen"])}</span>'
                     f'<span class="sold">{escape(sold)}</span></a>')
    body = "\n".join(cards) or f'<p class="empty">{escape(empty_text)}</p>'
    return mark_safe(f'<div class="cards">{body}</div>')  # noqa: S308 - every text above is escaped


@require_GET
@h5_page
def home(request: StoreRequest) -> HttpResponse:
    """The store's home page; a product share link (``/?dc=…&product=…``) goes on to the product."""
    shared = request.GET.get("product", "")
    if shared.isascii() and shared.isdigit() and len(shared) < 19:
        return HttpResponseRedirect(reverse("h5-product", kwargs={"product_id": int(shared)}))
    layout = storefront_shown()
    blocks = []
    for block in layout["layout"].get("blocks", []) if layout else []:
        if block.get("type") == "featured_products":
            block = {**block, "cards": _cards(products_featured(
                source=block.get("source", "newest"), limit=block.get("limit", 6),
                product_ids=block.get("product_ids")), _("商品即将上架"))}
        blocks.append(block)
    return render(request, "h5/home.html", {"store": request.tenant, "layout": layout, "blocks": blocks,
                                            "tab": "home"})


@require_GET
@h5_page
def categories(request: StoreRequest) -> HttpResponse:
    """The category tree: a top-level category opens its products (its children's included)."""
    return render(request, "h5/categories.html", {"store": request.tenant, "tree": category_tree_shown(),
                                                  "layout": storefront_shown(), "tab": "categories"})


@require_GET
@h5_page
def products(request: StoreRequest) -> HttpResponse:
    """Search and listing: words in Chinese, a category, a price range, sorted by new, sales or price; pages
    of 20 with a link to the next."""
    with kept_together(SHOWN_KEY, CATEGORIES_KEY):  # the layout and the category tree in one round trip
        return _listing(request)


def _listing(request: StoreRequest) -> HttpResponse:
    form = ListingForm(request.GET)
    criteria, page = form.criteria(), form.page_number()
    category_id, category = criteria.pop("category_id", None), None
    if category_id:  # the kept tree, read once, names the category and gives its children
        tree = category_tree_shown()
        category, criteria["category_ids"] = category_name_shown(category_id, tree), category_subtree(category_id, tree)
    rows = product_page_for_shoppers(offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1, **criteria)
    query = request.GET.copy()
    query["page"] = str(page + 1)
    return render(request, "h5/products.html", {
        "store": request.tenant, "layout": storefront_shown(), "form": form, "category": category,
        "category_id": category_id,
        "cards": _cards(rows[:PAGE_SIZE], _("没有找到相关商品")),
        "next_query": query.urlencode() if len(rows) > PAGE_SIZE else "",
        "sorts": SORT_CHOICES, "sort": criteria["sort"], "tab": "categories" if category else "search"})


def _on_sale(product_id: int) -> ProductShown:
    found = product_page_shown(product_id=product_id)
    if found is None:
        raise Http404("No such product on sale")
    return found


def _product_page(request: StoreRequest, product_id: int) -> dict:
    found = _on_sale(product_id)
    member = h5_member(request)
    if member is not None:
        history_record(member=member, product_id=product_id)
    promo = product_promotions(product_id=product_id, skus={sku.id: sku.price_fen for sku in found.skus})
    deals = {sku_id: price for sku_id, (_discount, price) in promo.timed.items()}
    # A flash sale still to start that the member's level lets them into already.
    early = member is not None and promo.flash is not None and not promo.flash_running and (
        promo.flash.starts_at - timedelta(minutes=member_level(member_id=member.pk).early_access_minutes)
        <= timezone.now())
    chosen = next((sku for sku in found.skus if sku.stock > 0), found.skus[0] if found.skus else None)
    return {
        "store": request.tenant, "layout": storefront_shown(), "product": found, "promo": promo,
        "coupons": [(c, coupon_summary(c)) for c in promo.coupons],
        "skus": [(sku, deals.get(sku.id)) for sku in found.skus], "deal": deals.get(chosen.id) if chosen else None,
        "member": member, "favourite": member is not None and is_favourite(member_id=member.pk, product_id=product_id),
        "distribution_on": distribution_on_shown(),
        "reviews": list(reviews_published(product_id=product_id)[:REVIEWS_SHOWN]) if found.rating_count else [],
        "chosen": chosen, "flash_early": early}


@require_GET
@h5_page
def product(request: StoreRequest, product_id: int) -> HttpResponse:
    """A product: its images, every SKU with its price and stock to choose from (at its campaign's price), its
    promotions, its description. A signed-in shopper's view joins their browsing history."""
    with kept_together(SHOWN_KEY, DISTRIBUTION_ON_KEY, BOARD_KEY):  # what the page keeps, in one round trip
        page = _product_page(request, product_id)
    return render(request, "h5/product.html", page)


@require_GET
@h5_page
def flash_sales(request: StoreRequest) -> HttpResponse:
    """秒杀专区: the flash sales running now and those starting within a week, with a countdown each."""
    return render(request, "h5/flash.html", {"store": request.tenant, "layout": storefront_shown(),
                                             "items": flash_items_on_show(), "now": timezone.now(), "tab": "home"})


@require_GET
@h5_page
def product_reviews(request: StoreRequest, product_id: int) -> HttpResponse:
    """Every published review of a product, newest first, ten a page."""
    found = _on_sale(product_id)
    page = Paginator(reviews_published(product_id=product_id), 10).get_page(request.GET.get("page"))
    return render(request, "h5/reviews.html", {"store": request.tenant, "layout": storefront_shown(),
                                               "product": found, "page": page})
