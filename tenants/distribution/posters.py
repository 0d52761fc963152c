"""Share posters: a PNG composed with Pillow from the product image, its price, the distributor's name and
a QR code (a mini-program code from WeChat, or a plain QR code of the H5 link).

Chinese text needs a CJK font (core.fonts).
"""

from __future__ import annotations

import io

import segno
from PIL import Image, ImageDraw, ImageFont

from core.fonts import cjk_font
from core.money import format_fen
from tenants.catalog.selectors import product_detail_for_shoppers

WIDTH, HEIGHT = 750, 1334
MARGIN = 40
def qr_png_for_url(url: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    """Greedy wrap by character (Chinese has no spaces), ellipsis on the last line."""
    out, current = [], ""
    for char in text:
        if draw.textlength(current + char, font=font) <= width:
            current += char
            continue
        out.append(current)
        current = char
        if len(out) == lines:
            break
    if len(out) < lines and current:
        out.append(current)
    if len(out) == lines and "".join(out) != text:
        last = out[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        out[-1] = last + "…"
    return out


def poster_render(*, title: str, price_fen: int, distributor_name: str, qr_png: bytes,
                  product_image: bytes | None = None, primary_colour: str = "#e8547a") -> bytes:
    """The poster as PNG bytes, 750 x 1334 (the size WeChat shares well)."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "#ffffff")
    draw = ImageDraw.Draw(canvas)
    box = WIDTH - 2 * MARGIN
    if product_image:
        picture = Image.open(io.BytesIO(product_image)).convert("RGB")
        picture.thumbnail((box, box))
        canvas.paste(picture, (MARGIN + (box - picture.width) // 2, MARGIN + (box - picture.height) // 2))
    else:
        draw.rounded_rectangle((MARGIN, MARGIN, MARGIN + box, MARGIN + box), radius=24, fill=primary_colour)
    y = MARGIN + box + 36
    draw.text((MARGIN, y), "¥" + format_fen(price_fen), font=cjk_font(64), fill=primary_colour)
    y += 96
    for line in _wrap(draw, title, cjk_font(34), box, 2):
        draw.text((MARGIN, y), line, font=cjk_font(34), fill="#222222")
        y += 50
    code = Image.open(io.BytesIO(qr_png)).convert("RGB").resize((220, 220))
    code_top = HEIGHT - MARGIN - 220
    canvas.paste(code, (WIDTH - MARGIN - 220, code_top))
    draw.text((MARGIN, code_top + 40), f"{distributor_name} 为你推荐", font=cjk_font(32), fill="#333333")
    draw.text((MARGIN, code_top + 100), "长按识别二维码 立即购买", font=cjk_font(26), fill="#888888")
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def product_poster_png(*, product_id: int, link: str, distributor_name: str) -> bytes | None:
    """The poster of an on-sale product with a QR code of ``link`` (the distributor's share link); None when the
    product is not on sale."""
    product = product_detail_for_shoppers(product_id=product_id)
    if product is None:
        return None
    image = next(iter(product.images.all()), None)
    return poster_render(title=product.title, price_fen=product.min_price_fen, distributor_name=distributor_name,
                         qr_png=qr_png_for_url(link), product_image=image.image.read() if image else None)
