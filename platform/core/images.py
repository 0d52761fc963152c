"""The one checker every image upload goes through: really an image (decoded by Pillow, never trusted by its
name, extension or declared type), in an allowed format, under a byte and a pixel limit (a decompression
bomb is refused before any pixel is decoded). What is kept is named from the detected format only: an upload
called ``promo.html`` is stored as ``<random>.png`` and served as ``image/png``.

Pages show kept images as thumbnails: ``<name>.w400.webp`` is the image scaled to 400 pixels wide (never up),
made from the original the first time it is asked for and kept beside it; only THUMBNAIL_WIDTHS exist."""

from __future__ import annotations

import re
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .errors import CoreCode, ValidationFailed

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8000 x 5000
# Detected format -> (extension, content type). Nothing else is accepted, stored or served as an image.
IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
CONTENT_TYPES = {extension: content_type for extension, content_type in IMAGE_FORMATS.values()}


@dataclass(frozen=True)
class CheckedImage:
    file: File  # the upload's bytes, named "<random>.<extension of the detected format>"
    format: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return IMAGE_FORMATS[self.format][1]


def image_accept(upload: File, *, field: str = "images") -> CheckedImage:
    """Check an uploaded image and return it renamed from its detected format, or refuse it (ValidationFailed
    naming ``field``) with the reason: too large, too many pixels, or not a JPG, PNG or WebP image."""
    size = getattr(upload, "size", None) or 0
    if size > MAX_IMAGE_BYTES:
        message = _("图片不能超过 %(mb)s MB。") % {"mb": MAX_IMAGE_BYTES // (1024 * 1024)}
        raise ValidationFailed(message, code=CoreCode.IMAGE_TOO_LARGE, fields={field: [message]})
    not_an_image = _("请上传 JPG、PNG 或 WebP 图片。")
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own pixel limit decides
            with Image.open(upload) as image:  # reads the header only: no pixel is decoded yet
                width, height, detected = image.width, image.height, image.format
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(field)
                if detected not in IMAGE_FORMATS:
                    raise ValidationFailed(not_an_image, code=CoreCode.IMAGE_FORMAT, fields={field: [not_an_image]})
                image.verify()
    except Image.DecompressionBombError:
        raise _too_many_pixels(field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationFailed(not_an_image, code=CoreCode.IMAGE_FORMAT, fields={field: [not_an_image]}) from None
    upload.seek(0)
    extension = IMAGE_FORMATS[detected][0]
    return CheckedImage(file=File(upload, name=f"{uuid.uuid4().hex}.{extension}"), format=detected,
                        width=width, height=height)


def images_store(uploads: list, *, folder: str, field: str) -> list[str]:
    """Check every upload, then keep them all in the store's media under ``folder/<yyyy>/<mm>/``; their URLs in
    order. One refused upload refuses them all before any is kept."""
    checked = [image_accept(upload, field=field) for upload in uploads]
    return [default_storage.url(default_storage.save(f"{folder}/{timezone.localdate():%Y/%m}/{image.file.name}",
                                                     image.file)) for image in checked]


def _too_many_pixels(field: str) -> ValidationFailed:
    message = _("图片尺寸过大：最多 %(pixels)s 像素。") % {"pixels": f"{MAX_IMAGE_PIXELS:,}"}
    return ValidationFailed(message, code=CoreCode.IMAGE_TOO_MANY_PIXELS, fields={field: [message]})


THUMBNAIL_WIDTHS = (400, 800)  # a listing card's picture (two columns on a phone, 2x pixels); a product page's
_THUMBNAIL = re.compile(r"^(?P<original>.+\.(?:jpg|png|webp))\.w(?P<width>\d+)\.webp$")


def thumbnail_url(url: str, width: int) -> str:
    """The URL of the ``width`` thumbnail of a kept image's URL (the empty URL stays empty)."""
    assert width in THUMBNAIL_WIDTHS
    return f"{url}.w{width}.webp" if url else ""


def thumbnail_make(path: Path) -> Path | None:
    """Make the thumbnail file ``path`` names from its original beside it; None when ``path`` names no
    thumbnail of an existing original. Written to a temporary name first: a reader never sees half a file."""
    match = _THUMBNAIL.match(path.name)
    original = path.with_name(match["original"]) if match else None
    if match is None or int(match["width"]) not in THUMBNAIL_WIDTHS or not original or not original.is_file() \
            or _THUMBNAIL.match(original.name):  # no thumbnail of a thumbnail
        return None
    width = int(match["width"])
    with Image.open(original) as image:
        image.draft("RGB", (width, width * 4))  # JPEG: decode at a reduced scale straight away
        picture = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        if picture.width > width:
            picture = picture.resize((width, max(1, round(picture.height * width / picture.width))),
                                     Image.Resampling.LANCZOS)
        partial = path.with_name(f".{uuid.uuid4().hex}.part")
        picture.save(partial, "WEBP", quality=80, method=4)
    partial.replace(path)
    return path
