"""The template catalog: at least three industries, valid layouts, versions that move with content."""

import pytest

from control_plane.storefront_templates.models import StorefrontTemplate
from control_plane.storefront_templates.services import template_seed_catalog, template_upsert
from core.errors import ValidationFailed
from core.storefront_layout import validate_layout, validate_theme


def test_catalog_has_three_valid_industry_templates(db):
    templates = list(StorefrontTemplate.objects.filter(is_active=True))
    assert {"beauty", "mother_baby", "fresh_produce"} <= {t.code for t in templates}
    for template in templates:
        assert validate_layout(template.layout) == [], template.code
        assert validate_theme(template.theme) == [], template.code


def test_seeding_is_idempotent(db):
    assert template_seed_catalog() == 0


def test_version_goes_up_only_when_content_changes(db):
    template = StorefrontTemplate.objects.get(code="beauty")
    fields = dict(code=template.code, name=template.name, name_en=template.name_en, industry=template.industry,
                  description="新的描述", theme=template.theme, layout=template.layout,
                  sort_order=template.sort_order)
    updated, changed = template_upsert(**fields)
    assert changed and updated.version == template.version
    layout = {**template.layout, "blocks": [{"type": "notice", "text": "hi"}]}
    updated, changed = template_upsert(**{**fields, "layout": layout})
    assert changed and updated.version == template.version + 1


def test_invalid_template_is_refused(db):
    with pytest.raises(ValidationFailed):
        template_upsert(code="bad", name="b", name_en="b", industry="x", description="",
                        theme={"primary": "#000000"}, layout={"schema": 1, "blocks": []})


def test_preview_is_drawn_from_the_template(platform_client):
    response = platform_client.get("/templates/fresh_produce/preview.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "#2ea44f" in svg and "生鲜果蔬" in svg
    assert platform_client.get("/templates/nope/preview.svg").status_code == 404
