"""Checking uploaded images: really an image (decoded by Pillow, not trusted by its name or header), in an
allowed format, under a size limit."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .errors import ValidationFailed

MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


def image_check(upload: UploadedFile, *, field: str = "images") -> None:
    message = _("请上传 5MB 以内的 JPG、PNG 或 WebP 图片。")
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationFailed(message, fields={field: [message]})
    try:
        with Image.open(upload) as image:
            image.verify()
            if image.format not in IMAGE_FORMATS:
                raise ValidationFailed(message, fields={field: [message]})
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationFailed(message, fields={field: [message]}) from None
    upload.seek(0)
