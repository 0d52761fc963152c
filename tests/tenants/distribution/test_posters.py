"""Posters render Chinese text with a real CJK font and carry a scannable-size QR code."""

import io
import os
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

from core.fonts import cjk_font
from tenants.distribution.posters import HEIGHT, WIDTH, poster_render, qr_png_for_url

REPO = Path(__file__).resolve().parents[3]


def test_cjk_font_draws_real_glyphs_not_boxes():
    font = cjk_font(40)
    images = []
    for text in ("分销", "商城"):
        image = Image.new("L", (120, 60), 0)
        ImageDraw.Draw(image).text((0, 0), text, font=font, fill=255)
        images.append(image)
    assert images[0].getbbox() is not None
    # Missing glyphs all render as the same box; two different words must differ.
    assert ImageChops.difference(*images).getbbox() is not None


def test_poster_composes_product_price_name_and_qr():
    product = io.BytesIO()
    Image.new("RGB", (800, 800), "#88ccaa").save(product, format="PNG")
    png = poster_render(title="保湿面霜 50ml 深层补水 敏感肌可用 长效锁水", price_fen=19900,
                        distributor_name="小美", qr_png=qr_png_for_url("https://alpha.example.com/?dc=ABCD2345.x1y2z3"),
                        product_image=product.getvalue())
    poster = Image.open(io.BytesIO(png))
    assert poster.size == (WIDTH, HEIGHT)
    assert poster.getpixel((WIDTH // 2, 300))[:3] == (0x88, 0xCC, 0xAA)  # the product picture
    corner = poster.crop((WIDTH - 260, HEIGHT - 260, WIDTH - 40, HEIGHT - 40)).convert("L")
    assert corner.getextrema() == (0, 255)  # black and white modules of the QR code
    folder = REPO / ("docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else ".run/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    poster.save(folder / "distributor-poster.png")
