"""Listing states with optional review, scheduled listing, low-stock alerts, Chinese search, categories."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from core.errors import IllegalTransition, ValidationFailed
from tenants.catalog.models import Brand, CatalogSettings, Category, Product
from tenants.catalog.search import query_tokens, tokenize
from tenants.catalog.selectors import (
    LISTING_COLUMNS,
    category_tree,
    low_stock_alerts,
    product_list_for_shoppers,
    product_page_for_shoppers,
)
from tenants.catalog.services import (
    SkuInput,
    product_create,
    product_put_on_sale,
    product_review,
    product_take_off_sale,
    products_apply_schedules,
)
from tenants.catalog.stock import InsufficientStock, stock_adjust


@pytest.fixture
def in_alpha(store_a):
    with schema_context(store_a.schema):
        yield


def _product(**kw):
    return product_create(title=kw.pop("title", "测试面霜"), skus=kw.pop("skus", [
        SkuInput(spec_values={"颜色": "红"}, price_fen=1000, stock=3, low_stock_threshold=5)]), **kw)


def test_sku_validation_is_per_field(in_alpha):
    with pytest.raises(ValidationFailed) as exc:
        product_create(title="", skus=[SkuInput(spec_values={"a": "1"}, price_fen=0),
                                       SkuInput(spec_values={"a": "1"}, price_fen=100)])
    assert set(exc.value.fields) == {"title", "skus"} and len(exc.value.fields["skus"]) == 2


def test_review_flow_when_turned_on(in_alpha):
    CatalogSettings.objects.create(review_required=True)
    product = _product()
    assert product_put_on_sale(product=product).status == Product.Status.PENDING_REVIEW
    with pytest.raises(IllegalTransition):
        product_take_off_sale(product=product)
    assert product_review(product=product, approve=True).status == Product.Status.ON_SALE
    assert product_take_off_sale(product=product).status == Product.Status.OFF_SALE
    assert product_put_on_sale(product=product).status == Product.Status.ON_SALE  # relisting needs no review


def test_scheduled_listing(in_alpha):
    now = timezone.now()
    soon = _product(title="预售面膜")
    Product.objects.filter(pk=soon.pk).update(scheduled_on_sale_at=now + timedelta(hours=1),
                                              scheduled_off_sale_at=now + timedelta(days=2))
    assert products_apply_schedules(now=now) == (0, 0)
    assert products_apply_schedules(now=now + timedelta(hours=2)) == (1, 0)
    assert products_apply_schedules(now=now + timedelta(days=3)) == (0, 1)
    assert Product.objects.get(pk=soon.pk).status == Product.Status.OFF_SALE


def test_low_stock_alerts_and_adjustments(in_alpha):
    product = _product(publish=True)
    sku = product.skus.get()
    assert list(low_stock_alerts()) == [sku]
    stock_adjust(sku_id=sku.pk, delta=10, actor="ops", note="补货")
    assert list(low_stock_alerts()) == []
    with pytest.raises(InsufficientStock):
        stock_adjust(sku_id=sku.pk, delta=-100, actor="ops", note="盘点")
    with pytest.raises(ValidationFailed):
        stock_adjust(sku_id=sku.pk, delta=-1, actor="ops", note=" ")
    assert list(sku.movements.values_list("reason", "delta", "stock_after")) == [("adjustment", 10, 13),
                                                                                 ("initial", 3, 3)]


def test_chinese_search_tokens():
    assert {"保湿", "面霜", "50ml"} <= set(tokenize("保湿面霜 50ML"))
    assert query_tokens("面霜") == ["面霜"]
    assert query_tokens("霜") == ["霜"]


def test_search_only_finds_listed_products(in_alpha):
    _product(title="保湿面霜", publish=True)
    _product(title="保湿面膜")  # draft
    assert [p.title for p in product_list_for_shoppers(q="保湿")] == ["保湿面霜"]
    assert list(product_list_for_shoppers(q="眼霜")) == []


def test_two_level_category_tree(in_alpha):
    face = Category.objects.create(name="面部护理")
    Category.objects.create(name="面霜", parent=face)
    assert category_tree() == [{"id": face.pk, "name": "面部护理", "icon": "", "children": [
        {"id": face.children.get().pk, "name": "面霜", "icon": ""}]}]


def _listing(**criteria):
    return [tuple(getattr(p, c) for c in LISTING_COLUMNS) for p in product_list_for_shoppers(**criteria)]


def test_the_kept_listing_statement_reads_each_stores_current_rows(store_a, store_b):
    """The page reader keeps statements, never rows: the same statement serves two stores, and a product
    listed after the statement was built shows up."""
    criteria_list = [{}, {"sort": "price_asc"}, {"sort": "sales"}, {"q": "面霜"}, {"min_price_fen": 1500},
                     {"max_price_fen": 1500, "sort": "price_desc"}, {"tag": "新品"}]
    for schema, titles in ((store_a.schema, ["面霜", "面膜", "眼霜"]), (store_b.schema, ["乳液", "精华面霜"])):
        with schema_context(schema):
            face = Category.objects.create(name="面部护理")
            cream = Category.objects.create(name="面霜", parent=face)
            brand = Brand.objects.create(name=f"{schema} 品牌")
            for i, title in enumerate(titles):
                product = _product(title=title, publish=True, tags=["新品"] if i % 2 else [],
                                   skus=[SkuInput(price_fen=1000 + 500 * i, stock=1)])
                product.categories.add(cream if i % 2 else face)
                Product.objects.filter(pk=product.pk).update(brand=brand, sales_count=10 - i)
            expected = [_listing(**c) for c in criteria_list] + [_listing(category_id=face.pk),
                                                                 _listing(brand_id=brand.pk)]
            got = [product_page_for_shoppers(offset=0, limit=20, **c) for c in criteria_list]
            got += [product_page_for_shoppers(offset=0, limit=20, category_id=face.pk),
                    product_page_for_shoppers(offset=0, limit=20, brand_id=brand.pk)]
            assert got == expected and all(expected[:2]) and len(expected[-2]) == len(titles)
            assert product_page_for_shoppers(offset=1, limit=1) == expected[0][1:2]
    with schema_context(store_a.schema):
        _product(title="新面霜", publish=True)
        assert [row[1] for row in product_page_for_shoppers(offset=0, limit=20, q="面霜")] == ["新面霜", "面霜"]
