"""Pages show product images as thumbnails: made from the original the first time they are asked for (never
larger than it), kept, served as cacheable WebP on the store's own host only; only the two sizes exist, and
there is no thumbnail of a thumbnail."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from PIL import Image

from tenants.catalog.editing import product_images_add
from tenants.catalog.models import Product
from tenants.catalog.services import SkuInput, product_create


def photo(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#f4c2c2").save(buffer, "JPEG")
    return SimpleUploadedFile("big.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def shown(store_a):
    with schema_context(store_a.schema):
        product = product_create(title="面膜", publish=True, skus=[SkuInput(price_fen=100, stock=1)])
        product_images_add(product=product, uploads=[photo(1600, 1200), photo(300, 300)])
        product = Product.objects.get(pk=product.pk)
        originals = [image.image.url for image in product.images.all()]
    connection.set_schema_to_public()
    return product, originals


def _image(response) -> Image.Image:
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def test_thumbnails_are_made_once_and_cached(client_a, client_b, shown):
    product, (big, small) = shown
    assert product.cover_image == f"{big}.w400.webp"
    card = client_a.get(product.cover_image)
    assert card.status_code == 200 and card["Content-Type"] == "image/webp"
    assert "immutable" in card["Cache-Control"] and _image(card).size == (400, 300)
    again = client_a.get(product.cover_image)
    assert _image(again).size == (400, 300)  # the kept file this time
    assert _image(client_a.get(f"{big}.w800.webp")).size == (800, 600)
    assert _image(client_a.get(f"{small}.w800.webp")).size == (300, 300)  # never enlarged
    assert _image(client_a.get(big)).size == (1600, 1200)  # the original is still there
    page = client_a.get(f"/products/{product.pk}/").content.decode()
    assert f'src="{big}.w800.webp"' in page and f'"{big}"' not in page
    listing = client_a.get("/products/").content.decode()
    assert f'src="{big}.w400.webp"' in listing
    for missing in (f"{big}.w123.webp", f"{big}.w400.webp.w400.webp", "/media/x.jpg.w400.webp"):
        assert client_a.get(missing).status_code == 404, missing
    assert client_b.get(product.cover_image).status_code == 404  # another store's host
    assert Client(HTTP_HOST="localhost").get(product.cover_image).status_code == 404
