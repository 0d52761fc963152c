"""Editing the home page from the console block by block: texts, colours, order, new and removed blocks,
refused when invalid (nothing saved) or when someone else saved in between."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenants.storefront.selectors import storefront_layout_get
from tests.conftest import assert_refused_in_place, console_login


def form_fields(html: str) -> dict:
    """What the browser would post from the layout form as rendered."""
    form = html[html.index('id="layout-form"'):html.index("</form>", html.index('id="layout-form"'))]
    fields = dict(re.findall(r'<input type="(?:hidden|text|color)"[^>]* name="([^"]+)" value="([^"]*)"', form))
    fields.update(re.findall(r'<textarea id="[^"]+" name="([^"]+)" rows="\d+">([^<]*)</textarea>', form))
    for name, body in re.findall(r'<select id="[^"]+" name="([^"]+)">(.*?)</select>', form):
        fields[name] = re.search(r'<option value="([^"]+)" selected', body).group(1)
    return fields


def current():
    connection.set_schema_to_public()
    with schema_context("t_alpha"):
        return storefront_layout_get()


def test_edit_reorder_add_delete(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    before = current()
    fields = form_fields(client_a.get("/console/storefront/").content.decode())
    notice = next(i for i, b in enumerate(before.layout["blocks"]) if b["type"] == "notice")
    fields.update({f"b{notice}-text": "双十一全场包邮", "theme_primary": "#aa3366", "op": "save"})
    assert client_a.post("/console/storefront/", fields).status_code == 302
    after = current()
    assert after.layout["blocks"][notice]["text"] == "双十一全场包邮" and after.theme["primary"] == "#aa3366"
    assert after.layout["blocks"][0] == before.layout["blocks"][0]  # untouched blocks survive the round trip
    assert (after.revision, after.customised) == (before.revision + 1, True)

    fields = form_fields(client_a.get("/console/storefront/").content.decode())
    assert client_a.post("/console/storefront/", {**fields, "op": f"up-{notice}"}).status_code == 302
    assert current().layout["blocks"][notice - 1]["text"] == "双十一全场包邮"
    fields = form_fields(client_a.get("/console/storefront/").content.decode())
    count = len(current().layout["blocks"])
    client_a.post("/console/storefront/", {**fields, "op": "add-notice"})
    assert len(current().layout["blocks"]) == count + 1 and current().layout["blocks"][-1]["type"] == "notice"
    fields = form_fields(client_a.get("/console/storefront/").content.decode())
    client_a.post("/console/storefront/", {**fields, "op": f"delete-{count}"})
    assert len(current().layout["blocks"]) == count


def test_invalid_or_stale_edits_are_refused(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    fields = form_fields(client_a.get("/console/storefront/").content.decode())
    banner = next(k for k in fields if k.endswith("-slides"))
    bad = client_a.post("/console/storefront/", {**fields, banner: "/static/a.svg | https://evil.example/",
                                                 "op": "save"})
    assert bad.status_code == 400 and "店内路径" in bad.content.decode()
    revision = current().revision
    ok = client_a.post("/console/storefront/", {**fields, "op": "save"})
    assert ok.status_code == 302 and current().revision == revision + 1
    stale = client_a.post("/console/storefront/", {**fields, "op": "save"})  # still carries the old revision
    assert stale.status_code == 400 and "已被其他人修改" in stale.content.decode()


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ["请填写 1 到 20 之间的整数。", "该字段是必填项", "选择一个有效的选项"]),
    ("en", ["whole number from 1 to 20", "This field is required", "Select a valid choice"]),
])
def test_block_field_errors_in_place_in_both_languages(client_a, store_a, language, expected):
    console_login(client_a, store_a.owner_login)
    before = current()
    fields = form_fields(client_a.get("/console/storefront/").content.decode())
    fields.update({"block_count": "3", "b0-type": "notice", "b0-text": "",
                   "b1-type": "featured_products", "b1-title": "热卖", "b1-source": "nope", "b1-limit": "abc",
                   "b2-type": "category_grid", "b2-columns": "7", "b2-items": "面霜", "op": "save"})
    client_a.cookies["django_language"] = language
    bad = client_a.post("/console/storefront/", fields)
    assert_refused_in_place(bad, texts=expected,
                            fields=("b0-text", "b1-source", "b1-limit", "b2-columns"))
    assert current().revision == before.revision


def test_banner_slides_are_uploaded_checked_and_stored_only_with_the_layout(client_a, store_a):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    console_login(client_a, store_a.owner_login)
    before = current()
    fields = form_fields(client_a.get("/console/storefront/").content.decode())
    banner = next(k for k in fields if k.endswith("-slides")).removesuffix("-slides")
    fake = SimpleUploadedFile("banner.png", b"<svg onload=alert(1)>", content_type="image/png")
    refused = client_a.post("/console/storefront/", {**fields, f"{banner}-upload": [fake], "op": "save"})
    assert refused.status_code == 400 and "请上传 JPG、PNG 或 WebP 图片" in refused.content.decode()
    assert current().revision == before.revision

    buffer = io.BytesIO()
    Image.new("RGB", (800, 400), "#f4c2c2").save(buffer, "PNG")
    upload = SimpleUploadedFile("promo.html", buffer.getvalue(), content_type="text/html")
    saved = client_a.post("/console/storefront/", {**fields, f"{banner}-upload": [upload], "op": "save"})
    assert saved.status_code == 302
    slides = current().layout["blocks"][int(banner[1:])]["slides"]
    added = slides[-1]["image"]
    assert len(slides) == len(before.layout["blocks"][int(banner[1:])]["slides"]) + 1
    assert added.startswith("/media/t_alpha/storefront/") and added.endswith(".png")  # named by what it is
    served = client_a.get(added)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert added in client_a.get("/").content.decode()


def test_featured_products_are_picked_from_the_catalog_in_order(client_a, store_a):
    from tenants.catalog.services import SkuInput, product_create

    with schema_context(store_a.schema):
        first, second, third = (product_create(title=title, publish=True, skus=[SkuInput(price_fen=100, stock=1)])
                                for title in ("面霜", "精华", "面膜"))
    console_login(client_a, store_a.owner_login)
    html = client_a.get("/console/storefront/").content.decode()
    fields = form_fields(html)
    block = next(k for k, v in fields.items() if k.endswith("-type") and v == "featured_products").removesuffix("-type")
    assert f'name="{block}-picked" value="{second.pk}"' in html  # on-sale products offered to pick
    fields.update({f"{block}-source": "manual", f"{block}-product_ids": f"{third.pk}"})
    saved = client_a.post("/console/storefront/", {**fields, f"{block}-picked": [first.pk, third.pk], "op": "save"})
    assert saved.status_code == 302
    assert current().layout["blocks"][int(block[1:])]["product_ids"] == [third.pk, first.pk]  # kept, then new
    unknown = client_a.post("/console/storefront/", {**form_fields(client_a.get("/console/storefront/").content
                                                                   .decode()), f"{block}-picked": ["999999"]})
    assert unknown.status_code == 400 and f'data-field="{block}-picked"' in unknown.content.decode()
