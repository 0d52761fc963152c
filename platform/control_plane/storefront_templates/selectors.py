"""Reads of the template catalog. Tenant-plane code gets a frozen snapshot, never the model."""

from __future__ import annotations

from dataclasses import dataclass

from django_tenants.utils import schema_context

from .models import StorefrontTemplate


@dataclass(frozen=True)
class TemplateSnapshot:
    code: str
    name: str
    name_en: str
    industry: str
    description: str
    version: int
    theme: dict
    layout: dict


def _snapshot(template: StorefrontTemplate) -> TemplateSnapshot:
    return TemplateSnapshot(
        code=template.code,
        name=template.name,
        name_en=template.name_en,
        industry=template.industry,
        description=template.description,
        version=template.version,
        theme=dict(template.theme),
        layout=dict(template.layout),
    )


def template_list_active() -> list[TemplateSnapshot]:
    with schema_context("public"):
        return [_snapshot(t) for t in StorefrontTemplate.objects.filter(is_active=True)]


def template_get_active(*, code: str) -> TemplateSnapshot | None:
    with schema_context("public"):
        template = StorefrontTemplate.objects.filter(code=code, is_active=True).first()
        return _snapshot(template) if template else None


def templates_for_operators() -> list[StorefrontTemplate]:
    """Every template, retired ones too, with ``stores``: how many stores were made from it."""
    from django.db.models import Count

    with schema_context("public"):
        return list(StorefrontTemplate.objects.annotate(stores=Count("tenants")).order_by("sort_order", "code"))


def template_get(*, code: str) -> TemplateSnapshot | None:
    """A template whether offered or retired (operators preview both)."""
    with schema_context("public"):
        template = StorefrontTemplate.objects.filter(code=code).first()
        return _snapshot(template) if template else None
