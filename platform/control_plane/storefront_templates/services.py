"""Writes to the template catalog."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from core.errors import ValidationFailed
from core.storefront_layout import validate_layout, validate_theme

from .models import StorefrontTemplate

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"


def _check(theme: dict, layout: dict) -> None:
    problems = validate_theme(theme) + validate_layout(layout)
    if problems:
        raise ValidationFailed("The template is not valid.", fields={"layout": problems})


@transaction.atomic
def template_upsert(*, code: str, name: str, name_en: str, industry: str, description: str, theme: dict,
                    layout: dict, sort_order: int = 100) -> tuple[StorefrontTemplate, bool]:
    """Create or update a template; the version goes up only when theme or layout really changed.
    Returns the template and whether anything changed."""
    _check(theme, layout)
    template = StorefrontTemplate.objects.select_for_update().filter(code=code).first()
    if template is None:
        template = StorefrontTemplate.objects.create(
            code=code, name=name, name_en=name_en, industry=industry, description=description,
            theme=theme, layout=layout, sort_order=sort_order,
        )
        return template, True
    content_changed = template.theme != theme or template.layout != layout
    meta_changed = (template.name, template.name_en, template.industry, template.description,
                    template.sort_order) != (name, name_en, industry, description, sort_order)
    if not (content_changed or meta_changed):
        return template, False
    if content_changed:
        template.version += 1
    template.name, template.name_en, template.industry = name, name_en, industry
    template.description, template.sort_order, template.theme, template.layout = (
        description, sort_order, theme, layout)
    template.save()
    return template, True


def template_seed_catalog() -> int:
    """Load the templates shipped in ``catalog/*.json``. Idempotent; returns how many changed."""
    changed = 0
    for path in sorted(CATALOG_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        _, did_change = template_upsert(**data)
        changed += did_change
    return changed
