"""The console's catalog: a product with a SKU matrix from spec options, edits that keep stock history, image
upload, reorder and removal (served only on the store's own host), stock adjustments with reasons, bulk
listing and the Excel export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context
from openpyxl import load_workbook
from PIL import Image

from tenants.catalog.models import Product, Sku, StockMovement
from tenants.loyalty.levels import product_level_prices
from tests.conftest import assert_refused_in_place, console_login


@pytest.fixture
def owner(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    return client_a


def png(name: str, color: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), color).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


BASE = {"title": "真丝睡衣", "subtitle": "桑蚕丝", "description": "柔软<亲肤>\n\n可机洗", "tags": "新品, 热卖"}


def create(client) -> Product:
    matrix = client.post("/console/catalog/new/", {**BASE, "specs": "颜色: 红, 蓝", "action": "matrix"})
    page = matrix.content.decode()
    assert 'data-sku="颜色:红"' in page and 'data-sku="颜色:蓝"' in page
    response = client.post("/console/catalog/new/", {
        **BASE, "specs": "颜色: 红, 蓝", "action": "save",
        "sku-0-price": "99", "sku-0-stock": "10", "sku-0-active": "1",
        "sku-1-price": "109.50", "sku-1-original_price": "199", "sku-1-stock": "5", "sku-1-active": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    connection.set_schema_to_public()
    with schema_context("t_alpha"):
        return Product.objects.get(pk=int(response["Location"].split("/")[3]))


def test_a_product_with_two_skus_then_edited(owner, store_a):
    product = create(owner)
    with schema_context(store_a.schema):
        skus = {s.spec_key: s for s in product.skus.all()}
        assert {k: (s.price_fen, s.stock) for k, s in skus.items()} == {"颜色:红": (9900, 10), "颜色:蓝": (10950, 5)}
        assert product.min_price_fen == 9900 and product.specs == [{"name": "颜色", "values": ["红", "蓝"]}]
        assert product.description == "<p>柔软&lt;亲肤&gt;</p>\n\n<p>可机洗</p>"
        assert sorted(product.tags.values_list("name", flat=True)) == ["新品", "热卖"]
        assert StockMovement.objects.filter(sku__product=product, reason="initial").count() == 2

    page = owner.get(f"/console/catalog/{product.pk}/").content.decode()
    assert 'name="sku-0-stock"' not in page  # existing stock changes only through adjustments
    response = owner.post(f"/console/catalog/{product.pk}/", {
        **BASE, "title": "真丝睡衣（新款）", "specs": "颜色: 红, 绿", "action": "save",
        "sku-0-price": "89", "sku-0-stock": "999", "sku-0-active": "1",
        "sku-1-price": "95", "sku-1-stock": "7", "sku-1-active": "1"})
    assert response.status_code == 302
    with schema_context(store_a.schema):
        skus = {s.spec_key: s for s in Sku.objects.filter(product=product)}
        assert {k: (s.price_fen, s.stock, s.is_active) for k, s in skus.items()} == {
            "颜色:红": (8900, 10, True), "颜色:蓝": (10950, 5, False), "颜色:绿": (9500, 7, True)}
        assert Product.objects.get(pk=product.pk).title == "真丝睡衣（新款）"


def test_bad_prices_are_shown_on_their_row_and_nothing_is_saved(owner, store_a):
    with schema_context(store_a.schema):
        before = Product.objects.count()
    response = owner.post("/console/catalog/new/", {**BASE, "specs": "尺码: S, M", "action": "save",
                                                    "sku-0-price": "abc", "sku-1-price": "0", "sku-1-stock": "-1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="sku-0"' in page and 'data-field="sku-1"' in page
    bad_spec = owner.post("/console/catalog/new/", {**BASE, "specs": "尺码 S M", "action": "matrix"})
    assert bad_spec.status_code == 400 and 'data-field="specs"' in bad_spec.content.decode()
    with schema_context(store_a.schema):
        assert Product.objects.count() == before


def test_images_upload_reorder_delete_and_stay_on_their_store(owner, store_a, client_b):
    product = create(owner)
    url = f"/console/catalog/{product.pk}/"
    uploaded = owner.post(url, {"action": "upload", "images": [png("a.png", "red"), png("b.png", "blue")]})
    assert uploaded.status_code == 302
    with schema_context(store_a.schema):
        first, second = Product.objects.get(pk=product.pk).images.all()
        assert Product.objects.get(pk=product.pk).cover_image == f"{first.image.url}.w400.webp"
    owner.post(url, {"action": "image_down", "image_id": first.pk})
    with schema_context(store_a.schema):
        refreshed = Product.objects.get(pk=product.pk)
        assert [i.pk for i in refreshed.images.all()] == [second.pk, first.pk]
        assert refreshed.cover_image == f"{second.image.url}.w400.webp"
    image_url = second.image.url
    assert image_url.startswith("/media/t_alpha/products/")
    served = owner.get(image_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    connection.set_schema_to_public()
    assert client_b.get(image_url).status_code == 404  # another store's host never serves it
    fake = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    refused = owner.post(url, {"action": "upload", "images": [fake]})
    assert refused.status_code == 400 and 'data-field="images"' in refused.content.decode()
    owner.post(url, {"action": "image_delete", "image_id": second.pk})
    with schema_context(store_a.schema):
        assert list(Product.objects.get(pk=product.pk).images.values_list("pk", flat=True)) == [first.pk]


def test_stock_adjustments_need_a_reason(owner, store_a):
    product = create(owner)
    with schema_context(store_a.schema):
        red = product.skus.get(spec_key="颜色:红")
    url = f"/console/catalog/{product.pk}/"
    refused = owner.post(url, {"action": "adjust", "sku_id": red.pk, "delta": "-3", "note": ""})
    assert refused.status_code == 400 and 'data-field="note"' in refused.content.decode()
    assert owner.post(url, {"action": "adjust", "sku_id": red.pk, "delta": "-3", "note": "破损"}).status_code == 302
    too_many = owner.post(url, {"action": "adjust", "sku_id": red.pk, "delta": "-100", "note": "盘点"})
    assert too_many.status_code == 400
    with schema_context(store_a.schema):
        red.refresh_from_db()
        assert red.stock == 7
        assert StockMovement.objects.filter(sku=red, reason="adjustment").values_list("delta", "note").get() == (
            -3, "破损")


def test_member_prices_per_level_in_the_product_editor(owner, store_a):
    product = create(owner)
    url = f"/console/catalog/{product.pk}/"
    page = owner.get(url).content.decode()
    assert 'id="member-prices"' in page and "默认立减 5.00%" in page  # VIP's own
    refused = owner.post(url, {"action": "member_prices", "level_2": "80", "level_3": ""})
    assert refused.status_code == 400 and 'data-field="level_2"' in refused.content.decode()
    assert owner.post(url, {"action": "member_prices", "level_2": "8", "level_3": "0"}).status_code == 302
    with schema_context(store_a.schema):
        assert product_level_prices(product_id=product.pk) == {2: 800, 3: 0}
    connection.set_schema_to_public()
    assert owner.post(url, {"action": "member_prices", "level_2": "", "level_3": "0"}).status_code == 302
    with schema_context(store_a.schema):
        assert product_level_prices(product_id=product.pk) == {3: 0}  # VIP back to the level's own


def test_bulk_listing_and_export(owner, store_a, client_a):
    product = create(owner)
    assert owner.post("/console/catalog/", {"action": "on", "product_ids": [product.pk]}).status_code == 302
    with schema_context(store_a.schema):
        assert Product.objects.get(pk=product.pk).status == Product.Status.ON_SALE
    listing = owner.get("/console/catalog/?status=on_sale&q=真丝").content.decode()
    assert f'data-product="{product.pk}"' in listing
    export = owner.get("/console/catalog/export.xlsx?q=真丝")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("商品ID", "商品名称", "状态") and len(rows) == 3
    assert {row[3] for row in rows[1:]} == {"颜色:红", "颜色:蓝"}


def test_operations_may_edit_the_catalog_customer_service_may_not(client_a, store_a):
    from django.contrib.auth import get_user_model

    from tenants.staff.models import StaffMember

    console_login(client_a, store_a.staff_login)  # Otto, operations
    assert client_a.get("/console/catalog/").status_code == 200
    client_a.post("/console/logout/")
    with schema_context(store_a.schema):
        user = get_user_model().objects.create_user(username="cs@alpha.test", password="Correct-Horse-42")
        StaffMember.objects.create(user=user, role=StaffMember.Role.CUSTOMER_SERVICE)
    connection.set_schema_to_public()
    console_login(client_a, "cs@alpha.test")
    assert client_a.get("/console/catalog/new/").status_code == 403


def test_regenerating_the_matrix_keeps_what_was_typed(owner):
    page = owner.post("/console/catalog/new/", {**BASE, "specs": "颜色: 红, 蓝", "action": "matrix",
                                                "sku-0-key": "颜色:红", "sku-0-price": "50", "sku-0-stock": "8"})
    html = page.content.decode()
    assert 'name="sku-0-price" value="50"' in html and 'name="sku-0-stock" value="8"' in html
    assert 'name="sku-1-price" value=""' in html


def test_the_category_tree(owner, store_a):
    from tenants.catalog.models import Category

    assert owner.post("/console/catalog/categories/", {"name": "护肤", "sort_order": "1"}).status_code == 302
    with schema_context(store_a.schema):
        skincare = Category.objects.get(name="护肤")
    connection.set_schema_to_public()
    assert owner.post("/console/catalog/categories/", {"name": "面霜", "parent": skincare.pk}).status_code == 302
    with schema_context(store_a.schema):
        cream = Category.objects.get(name="面霜")
    connection.set_schema_to_public()
    too_deep = owner.post("/console/catalog/categories/", {"name": "晚霜", "parent": cream.pk})
    duplicate = owner.post("/console/catalog/categories/", {"name": "面霜", "parent": skincare.pk})
    assert too_deep.status_code == 400 and 'data-field="parent"' in too_deep.content.decode()
    assert duplicate.status_code == 400 and 'data-field="name"' in duplicate.content.decode()
    shopper_tree = owner.get("/api/v1/catalog/categories/").json()
    assert [(c["name"], [k["name"] for k in c["children"]]) for c in shopper_tree if c["name"] == "护肤"] == [
        ("护肤", ["面霜"])]
    assert "面霜" in owner.get("/console/catalog/new/").content.decode()  # the editor offers active categories
    owner.post("/console/catalog/categories/", {"action": "hide", "category_id": skincare.pk})
    assert "护肤" not in [c["name"] for c in owner.get("/api/v1/catalog/categories/").json()]
    assert "面霜" not in owner.get("/console/catalog/new/").content.decode()  # hidden with its parent


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ["请填写 0 到 10000 之间的整数。", "该字段是必填项"]),
    ("en", ["whole number from 0 to 10000", "This field is required"]),
])
def test_category_field_errors_in_place_in_both_languages(owner, language, expected):
    owner.cookies["django_language"] = language
    bad = owner.post("/console/catalog/categories/", {"name": "", "sort_order": "-3", "parent": "x"})
    assert_refused_in_place(bad, texts=expected,
                            fields=("name", "sort_order", "parent"))


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ["请填写金额（元），最多两位小数。", "请填写 0 到 1000000000 之间的整数。", "该字段是必填项",
                 "选择一个有效的选项", "售价须大于 0。"]),
    ("en", ["amount in yuan, at most two decimals", "whole number from 0 to 1000000000", "This field is required",
            "Select a valid choice", "price must be above 0"]),
])
def test_product_field_errors_in_place_in_both_languages(owner, store_a, language, expected):
    with schema_context(store_a.schema):
        before = Product.objects.count()
    owner.cookies["django_language"] = language
    bad = owner.post("/console/catalog/new/", {
        "title": "", "specs": "尺码: S, M, L", "categories": ["999999"], "action": "save",
        "sku-0-price": "12.345", "sku-1-price": "10", "sku-1-stock": "-2", "sku-2-price": "0"})
    page = assert_refused_in_place(bad, texts=expected,
                                   fields=("title", "categories", "sku-0", "sku-1", "sku-2"))
    assert 'name="sku-0-price" value="12.345"' in page  # what was typed stays, to be corrected
    with schema_context(store_a.schema):
        assert Product.objects.count() == before


def test_side_forms_refuse_what_is_not_this_products(owner, store_a):
    product = create(owner)
    url = f"/console/catalog/{product.pk}/"
    unknown_image = owner.post(url, {"action": "image_delete", "image_id": "999999"})
    bad_delta = owner.post(url, {"action": "adjust", "sku_id": product.pk, "delta": "3x", "note": "盘点"})
    assert unknown_image.status_code == 400 and 'data-field="image_id"' in unknown_image.content.decode()
    assert bad_delta.status_code == 400 and 'data-field="delta"' in bad_delta.content.decode()
    assert owner.post(url, {"action": "off"}).status_code == 400  # a draft cannot be taken off sale
