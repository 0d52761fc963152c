"""The H5 storefront in headless Chromium at phone width (390 px): the home page with the template's blocks
and real products, a search in Chinese, a product page where choosing a SKU shows its price and a sold-out
SKU cannot be chosen. Runs in a store made for it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_tenants.utils import schema_context
from PIL import Image

from tenants.catalog.editing import product_images_add
from tenants.catalog.models import Category
from tenants.catalog.services import SkuInput, product_create
from tests.browser.conftest import drop_store, image_width, open_store, shot

pytestmark = pytest.mark.browser


def png(color: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 600), color).save(buffer, "PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def h5_store(live):
    with transaction.atomic():
        tenant = open_store("h5-shop", "小雨美妆")
        with schema_context(tenant.schema_name):
            cream_category = Category.objects.create(name="面霜")
            cream = product_create(title="玻尿酸保湿面霜", subtitle="敏感肌可用", publish=True, skus=[
                SkuInput(spec_values={"容量": "50ml"}, price_fen=19900, stock=5),
                SkuInput(spec_values={"容量": "100ml"}, price_fen=29900, stock=2),
                SkuInput(spec_values={"容量": "200ml"}, price_fen=49900, stock=0)])
            cream.categories.add(cream_category)
            product_images_add(product=cream, uploads=[png("#f4c2c2"), png("#c2d4f4")])
            serum = product_create(title="烟酰胺精华液", publish=True, skus=[SkuInput(price_fen=9900, stock=9)])
            product_images_add(product=serum, uploads=[png("#d4f4c2")])
            cream_id = cream.pk
    yield cream_id
    drop_store("h5-shop")


def test_a_shopper_browses_searches_and_chooses_a_sku_on_a_phone(browser, live, h5_store):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    base = f"http://h5-shop.localhost:{live}"
    page.goto(f"{base}/")
    page.wait_for_selector("[data-block=featured] .card")
    # the 600-pixel upload, shown as its 400-pixel thumbnail (made on first request, WebP)
    assert image_width(page, "[data-block=featured] .card img") == 400
    assert page.get_attribute("[data-block=featured] .card img", "src").endswith(".w400.webp")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(page, "h5-home")

    page.fill("header input[name=q]", "面霜")
    page.press("header input[name=q]", "Enter")
    page.wait_for_selector(f"[data-product='{h5_store}']")
    assert page.locator(".cards .card").count() == 1
    shot(page, "h5-search")

    page.click(f"[data-product='{h5_store}']")
    page.wait_for_selector("#skus")
    assert page.text_content("[data-price]:not(input)") == "199.00"
    page.click("text=100ml")
    assert page.text_content("[data-price]:not(input)") == "299.00"
    assert page.locator("input[name=sku][disabled]").count() == 1  # 200ml is sold out
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "h5-product")
    context.close()
    assert violations == []
