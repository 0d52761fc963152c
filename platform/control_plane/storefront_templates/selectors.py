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
