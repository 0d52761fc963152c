"""Listing states with optional review, scheduled listing, low-stock alerts, Chinese search, categories."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from core.errors import IllegalTransition, ValidationFailed
from tenants.catalog.models import CatalogSettings, Category, Product
from tenants.catalog.search import query_tokens, tokenize
from tenants.catalog.selectors import category_tree, low_stock_alerts, product_list_for_shoppers
from tenants.catalog.services import (
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
        {"spec_values": {"颜色": "红"}, "price_fen": 1000, "stock": 3, "low_stock_threshold": 5}]), **kw)


def test_sku_validation_is_per_field(in_alpha):
    with pytest.raises(ValidationFailed) as exc:
        product_create(title="", skus=[{"spec_values": {"a": "1"}, "price_fen": 0},
                                       {"spec_values": {"a": "1"}, "price_fen": 100}])
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
