"""The H5 storefront's browsing pages on a store's host: the home page's featured blocks with real products,
the category tree, search in Chinese with filters and sorting, product pages with every SKU's price and stock;
nothing another store or a draft holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenants.catalog.models import Category, Product
from tenants.catalog.services import SkuInput, product_create
from tenants.storefront.selectors import storefront_layout_get
from tenants.storefront.services import storefront_update_layout


@pytest.fixture
def shelf(store_a):
    """Three products on sale in 护肤 > 面霜 / 精华, one draft."""
    with schema_context(store_a.schema):
        skincare = Category.objects.create(name="护肤")
        cream = Category.objects.create(name="面霜", parent=skincare)
        serum = Category.objects.create(name="精华", parent=skincare)
        made = {
            "cream": product_create(title="玻尿酸保湿面霜", publish=True, skus=[
                SkuInput(spec_values={"容量": "50ml"}, price_fen=19900, stock=3),
                SkuInput(spec_values={"容量": "100ml"}, price_fen=29900, stock=0)]),
            "serum": product_create(title="烟酰胺精华液", publish=True, skus=[SkuInput(price_fen=9900, stock=8)]),
            "mask": product_create(title="补水面膜", publish=True, skus=[SkuInput(price_fen=3900, stock=20)]),
            "draft": product_create(title="未上架的面霜", skus=[SkuInput(price_fen=100, stock=1)]),
        }
        made["cream"].categories.add(cream)
        made["serum"].categories.add(serum)
        Product.objects.filter(pk=made["mask"].pk).update(sales_count=50)
    connection.set_schema_to_public()
    return {name: product.pk for name, product in made.items()} | {"skincare": skincare.pk, "cream_category": cream.pk}


def products_on(html: str) -> list[int]:
    import re

    return [int(pk) for pk in re.findall(r'data-product="(\d+)"', html)]


def test_home_featured_blocks_show_real_products(client_a, store_a, shelf, django_capture_on_commit_callbacks):
    assert "店长推荐" not in client_a.get("/").content.decode()  # the layout in force, now kept in the cache
    with schema_context(store_a.schema), django_capture_on_commit_callbacks(execute=True):
        storefront_update_layout(theme=storefront_layout_get().theme, layout={"schema": 1, "blocks": [
            {"type": "featured_products", "title": "热卖", "source": "bestselling", "limit": 2},
            {"type": "featured_products", "title": "店长推荐", "source": "manual", "limit": 6,
             "product_ids": [shelf["serum"], shelf["draft"], shelf["cream"]]}]})
    connection.set_schema_to_public()
    html = client_a.get("/").content.decode()  # the merchant's change shows at once
    hot, picked = html.split("店长推荐")
    assert products_on(hot)[0] == shelf["mask"] and len(products_on(hot)) == 2
    assert products_on(picked) == [shelf["serum"], shelf["cream"]]  # in the merchant's order, no draft
    assert "商品即将上架" not in html


def test_search_in_chinese_with_filters_and_sorting(client_a, shelf):
    assert products_on(client_a.get("/products/", {"q": "面霜"}).content.decode()) == [shelf["cream"]]
    by_price = client_a.get("/products/", {"sort": "price_asc"}).content.decode()
    assert products_on(by_price) == [shelf["mask"], shelf["serum"], shelf["cream"]]
    ranged = client_a.get("/products/", {"min_price": "50", "max_price": "199.00"}).content.decode()
    assert sorted(products_on(ranged)) == sorted([shelf["serum"], shelf["cream"]])
    bad = client_a.get("/products/", {"min_price": "12.345", "sort": "sales"})
    assert bad.status_code == 200 and "最多两位小数" in bad.content.decode()
    assert products_on(bad.content.decode())[0] == shelf["mask"]  # the rest of the filters still apply
    assert "没有找到相关商品" in client_a.get("/products/", {"q": "口红"}).content.decode()


def test_categories_open_their_products_and_their_childrens(client_a, shelf):
    tree = client_a.get("/categories/").content.decode()
    assert f'data-category="{shelf["skincare"]}"' in tree and "面霜" in tree
    top = products_on(client_a.get("/products/", {"category": shelf["skincare"]}).content.decode())
    assert sorted(top) == sorted([shelf["cream"], shelf["serum"]])
    assert products_on(client_a.get("/products/", {"category": shelf["cream_category"]}).content.decode()) == [
        shelf["cream"]]


def test_product_page_shows_each_sku_and_refuses_drafts_and_other_stores(client_a, client_b, shelf):
    page = client_a.get(f"/products/{shelf['cream']}/").content.decode()
    assert "玻尿酸保湿面霜" in page and "¥<span data-price>199.00</span>" in page
    assert "100ml" in page and "已售罄" in page and "库存 3" in page
    assert page.count(" disabled") == 1  # the sold-out SKU cannot be chosen
    assert client_a.get(f"/products/{shelf['draft']}/").status_code == 404
    assert client_b.get(f"/products/{shelf['cream']}/").status_code == 404  # another store's host


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "已售罄"), ("en", "Sold out")])
def test_pages_in_both_languages(client_a, shelf, language, expected):
    client_a.cookies["django_language"] = language
    assert expected in client_a.get(f"/products/{shelf['cream']}/").content.decode()


def test_a_category_change_shows_at_once(client_a, store_a, shelf, django_capture_on_commit_callbacks):
    from tenants.catalog.editing import category_save, category_set_active

    assert "面霜" in client_a.get("/categories/").content.decode()  # the tree, now kept in the cache
    with schema_context(store_a.schema), django_capture_on_commit_callbacks(execute=True):
        cream = Category.objects.get(pk=shelf["cream_category"])
        category_save(category=cream, name="晚霜", parent_id=shelf["skincare"], sort_order=1)
    connection.set_schema_to_public()
    assert "<h1>晚霜</h1>" in client_a.get("/products/", {"category": shelf["cream_category"]}).content.decode()
    with schema_context(store_a.schema), django_capture_on_commit_callbacks(execute=True):
        category_set_active(category=Category.objects.get(pk=shelf["skincare"]), active=False)
    connection.set_schema_to_public()
    assert "晚霜" not in client_a.get("/categories/").content.decode()


def test_a_layout_change_reaches_its_own_stores_shoppers_only(client_a, client_b, store_a, store_b, shelf,
                                                             django_capture_on_commit_callbacks):
    bravo_before = client_b.get("/").content.decode()  # both stores' home pages now kept in the cache
    assert "店长推荐" not in client_a.get("/").content.decode()
    # The commit comes after the connection has left the store's schema (as at the end of a request).
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True), schema_context(store_a.schema):
        storefront_update_layout(theme=storefront_layout_get().theme, layout={"schema": 1, "blocks": [
            {"type": "featured_products", "title": "店长推荐", "source": "newest", "limit": 2}]})
    connection.set_schema_to_public()
    assert "店长推荐" in client_a.get("/").content.decode()
    assert client_b.get("/").content.decode() == bravo_before
