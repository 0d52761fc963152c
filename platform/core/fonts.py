"""A CJK font for images composed with Pillow (share posters, the demo's product pictures). The project's
setup installs Noto Sans CJK (fonts-noto-cjk); POSTER_FONT_PATHS lets a deployment point elsewhere."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import ImageFont

DEFAULT_FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
SC_INDEX = 2  # the Simplified Chinese face inside the Noto CJK collection


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=16)
def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    for path in getattr(settings, "POSTER_FONT_PATHS", ()) or DEFAULT_FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size=size, index=SC_INDEX if path.endswith(".ttc") else 0)
    raise FontMissing("No CJK font found; install fonts-noto-cjk (make run does) or set POSTER_FONT_PATHS.")
