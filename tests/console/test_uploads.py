"""Every image upload goes through one checker: stored names and types come from the detected format only,
user media is never served as something a browser runs, and oversized or bomb images are a clear 400."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context
from PIL import Image

from tenants.catalog.models import Product
from tenants.catalog.services import SkuInput, product_create
from tests.conftest import console_login

HTML = b"<html><script>fetch('/console/').then(r=>r.text()).then(alert)</script></html>"


def polyglot(name: str = "promo.html") -> SimpleUploadedFile:
    """A valid PNG with an HTML page after its end: it opens as an image and as a web page."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue() + HTML, content_type="text/html")


def bomb(name: str = "bomb.png") -> SimpleUploadedFile:
    """A 20000 x 20000 PNG of a few hundred kilobytes: a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 20000, 20000, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * (20000 // 8 + 1) * 20000, 9)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture
def owner(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    return client_a


@pytest.fixture
def product(store_a):
    with schema_context(store_a.schema):
        made = product_create(title="面膜", skus=[SkuInput(price_fen=100, stock=1)])
    connection.set_schema_to_public()
    return made


def test_product_image_named_html_is_stored_and_served_as_png(owner, store_a, product):
    assert owner.post(f"/console/catalog/{product.pk}/", {"action": "upload", "images": [polyglot()]}
                      ).status_code == 302
    with schema_context(store_a.schema):
        url = Product.objects.get(pk=product.pk).images.get().image.url
    connection.set_schema_to_public()
    assert url.endswith(".png") and "promo" not in url
    served = owner.get(url)
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]


def test_media_that_is_not_an_image_is_never_served_as_a_page(owner, store_a, settings):
    from pathlib import Path

    folder = Path(settings.MEDIA_ROOT) / store_a.schema / "products"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "legacy.html").write_bytes(HTML)  # e.g. stored before this check existed
    served = owner.get(f"/media/{store_a.schema}/products/legacy.html")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(("upload", "expected"), [
    (bomb, {"zh-hans": "图片尺寸过大", "en": "too large"}),
    (lambda: SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (6 * 1024 * 1024)), {"zh-hans": "不能超过", "en": "MB"}),
    (lambda: SimpleUploadedFile("x.gif", b"GIF89a" + b"\x00" * 40), {"zh-hans": "请上传", "en": "Upload"}),
])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_bad_images_are_a_clear_400_in_both_languages(owner, product, upload, expected, language):
    owner.cookies["django_language"] = language
    refused = owner.post(f"/console/catalog/{product.pk}/", {"action": "upload", "images": [upload()]})
    assert refused.status_code == 400
    assert 'data-field="images"' in refused.content.decode() and expected[language] in refused.content.decode()
