"""Writes to the store's storefront layout."""

from __future__ import annotations

import copy
from typing import Protocol

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from core.cache import forget_on_commit
from core.errors import ValidationFailed
from core.images import image_accept
from core.storefront_layout import validate_layout, validate_theme

from .error_codes import StorefrontCode
from .models import StorefrontLayout
from .selectors import SHOWN_KEY


class TemplateLike(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def version(self) -> int: ...

    @property
    def theme(self) -> dict: ...

    @property
    def layout(self) -> dict: ...


@transaction.atomic
def storefront_apply_template(*, template: TemplateLike) -> StorefrontLayout:
    """Replace the layout with a fresh copy of a catalog template (at sign-up, or when the merchant
    switches template)."""
    layout = StorefrontLayout.objects.select_for_update().filter(singleton=1).first()
    values = {
        "template_code": template.code,
        "template_version": template.version,
        "theme": copy.deepcopy(template.theme),
        "layout": copy.deepcopy(template.layout),
        "customised": False,
    }
    forget_on_commit(SHOWN_KEY)  # once committed, shoppers' pages read the layout afresh
    if layout is None:
        return StorefrontLayout.objects.create(**values)
    for field, value in values.items():
        setattr(layout, field, value)
    layout.revision += 1
    layout.save()
    return layout


@transaction.atomic
def storefront_update_layout(*, layout: dict, theme: dict, expected_revision: int | None = None,
                             new_slides: dict[int, list[File]] | None = None) -> StorefrontLayout:
    """The merchant's own edits. ``expected_revision`` guards against two editors overwriting each other.
    ``new_slides`` are images uploaded for banner blocks (by the block's position): every one is checked
    before anything is kept, and they are stored only with a layout that is valid and saved."""
    checked = {index: [image_accept(upload, field=f"b{index}-upload") for upload in uploads]
               for index, uploads in (new_slides or {}).items() if uploads}
    names = {index: [f"storefront/{image.file.name}" for image in images] for index, images in checked.items()}
    blocks = layout.get("blocks", [])
    for index, stored_as in names.items():
        if 0 <= index < len(blocks) and blocks[index].get("type") == "banner":
            blocks[index]["slides"] = [*blocks[index].get("slides", []),
                                       *({"image": default_storage.url(name)} for name in stored_as)]
    problems = validate_layout(layout)
    theme_problems = validate_theme(theme)
    if problems or theme_problems:
        fields = {}
        if problems:
            fields["layout"] = problems
        if theme_problems:
            fields["theme"] = theme_problems
        raise ValidationFailed(_("布局无效。"), fields=fields)
    current = StorefrontLayout.objects.select_for_update().get(singleton=1)
    if expected_revision is not None and current.revision != expected_revision:
        raise ValidationFailed(_("布局已被其他人修改，请刷新后再试。"), code=StorefrontCode.STALE_REVISION)
    for index, images in checked.items():
        for name, image in zip(names[index], images, strict=True):
            default_storage.save(name, image.file)  # a random name: never another file's
    forget_on_commit(SHOWN_KEY)  # once committed, shoppers' pages read the layout afresh
    current.layout, current.theme, current.customised = layout, theme, True
    current.revision += 1
    current.save()
    return current
