"""Writes to the template catalog."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.storefront_layout import validate_layout, validate_theme

from .models import StorefrontTemplate

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"


def _check(theme: dict, layout: dict) -> None:
    problems = validate_theme(theme) + validate_layout(layout)
    if problems:
        raise ValidationFailed(_("模板无效。"), fields={"layout": problems})


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
    """Load the templates shipped in ``catalog/*.json``; those an operator has edited are left alone.
    Idempotent; returns how many changed."""
    changed = 0
    edited = set(StorefrontTemplate.objects.filter(source="operator").values_list("code", flat=True))
    for path in sorted(CATALOG_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["code"] not in edited:
            _, did_change = template_upsert(**data)
            changed += did_change
    return changed


_CODE = re.compile(r"[a-z][a-z0-9_]{1,39}")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


THEME_KEYS = ("primary", "accent", "background", "text")


@dataclass(frozen=True)
class TemplateInput:
    """A storefront template as operators set it: texts, theme colours (``THEME_KEYS``) and the layout."""

    name: str
    name_en: str
    industry: str
    description: str
    theme: dict
    layout: dict
    sort_order: int


@transaction.atomic
def template_save_by_operator(*, code: str, values: TemplateInput, create: bool = False) -> StorefrontTemplate:
    """Create or edit a template: texts, theme colours and the layout (checked like every layout). From then on
    the template belongs to the operators, not the catalog files."""
    errors: dict[str, list[str]] = {}
    code = code.strip().lower()
    if create and (not _CODE.fullmatch(code) or StorefrontTemplate.objects.filter(code=code).exists()):
        errors["code"] = [_("代码须为 2–40 位小写字母、数字或下划线，以字母开头，且未被使用。")]
    texts = {name: getattr(values, name).strip() for name in ("name", "name_en", "industry", "description")}
    for name, limit in (("name", 60), ("name_en", 60), ("industry", 60)):
        if not texts[name] or len(texts[name]) > limit:
            errors[name] = [_("必填，最多 %(n)s 个字符。") % {"n": limit}]
    texts["description"] = texts["description"][:300]
    for key in THEME_KEYS:
        if not _COLOR.fullmatch(str(values.theme.get(key, ""))):
            errors[f"theme_{key}"] = [_("请填写颜色，如 #e8547a。")]
    if not 0 <= values.sort_order <= 10_000:
        errors["sort_order"] = [_("请填写 0 到 10000 之间的整数。")]
    if errors:
        raise ValidationFailed(_("请修正标出的字段。"), fields=errors)
    problems = validate_theme(values.theme) + validate_layout(values.layout)
    if problems:
        raise ValidationFailed(_("布局或配色无效。"), fields={"layout": problems})
    template, _changed = template_upsert(code=code, theme=dict(values.theme), layout=values.layout,
                                         sort_order=values.sort_order, **texts)
    StorefrontTemplate.objects.filter(pk=template.pk).update(source="operator")
    template.refresh_from_db()
    return template


@transaction.atomic
def template_set_active(*, code: str, active: bool) -> StorefrontTemplate:
    """Retire a template (no longer offered at sign-up or for switching; stores using it keep their copy)
    or offer it again. The last active template cannot be retired."""
    template = StorefrontTemplate.objects.select_for_update().get(code=code)
    if not active and not StorefrontTemplate.objects.filter(is_active=True).exclude(pk=template.pk).exists():
        raise ValidationFailed(_("至少要保留一个可用模板。"), fields={"is_active": [_("至少要保留一个可用模板。")]})
    template.is_active = active
    template.source = "operator"
    template.save(update_fields=["is_active", "source", "updated_at"])
    return template
