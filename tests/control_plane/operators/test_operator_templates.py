"""Operators create, edit, preview and retire storefront templates; each change is audited; an edited
template is no longer overwritten by the catalog files; sign-up offers only active ones."""

from __future__ import annotations

import json

import pytest

from control_plane.operators.models import AuditLog
from control_plane.storefront_templates.models import StorefrontTemplate
from control_plane.storefront_templates.selectors import template_list_active
from control_plane.storefront_templates.services import template_seed_catalog
from tests.conftest import assert_refused_in_place


def form_of(template: StorefrontTemplate, **changes) -> dict:
    return {"name": template.name, "name_en": template.name_en, "industry": template.industry,
            "description": template.description, "sort_order": str(template.sort_order),
            "layout": json.dumps(template.layout, ensure_ascii=False),
            **{f"theme_{k}": v for k, v in template.theme.items()}, **changes}


def test_operator_creates_edits_previews_and_retires(operator_client):
    beauty = StorefrontTemplate.objects.get(code="beauty")
    response = operator_client.post("/operators/templates/", {**form_of(beauty, name="数码潮玩", name_en="Gadgets",
                                                                       industry="数码"), "code": "gadgets"})
    assert response.status_code == 302 and response["Location"] == "/operators/templates/gadgets/?saved=1"
    gadgets = StorefrontTemplate.objects.get(code="gadgets")
    assert gadgets.source == "operator" and gadgets.version == 1
    preview = operator_client.get("/operators/templates/gadgets/preview.svg")
    assert preview.status_code == 200 and preview["Content-Type"].startswith("image/svg+xml")

    edited = operator_client.post("/operators/templates/beauty/", form_of(beauty, theme_primary="#aa3366"))
    assert edited.status_code == 302
    beauty_after = StorefrontTemplate.objects.get(code="beauty")
    assert beauty_after.theme["primary"] == "#aa3366" and beauty_after.version == beauty.version + 1
    assert template_seed_catalog() == 0  # the catalog file no longer overwrites the operator's edit
    assert StorefrontTemplate.objects.get(code="beauty").theme["primary"] == "#aa3366"

    assert operator_client.post("/operators/templates/gadgets/", {"action": "retire"}).status_code == 302
    assert "gadgets" not in {t.code for t in template_list_active()}
    assert operator_client.get("/templates/gadgets/preview.svg").status_code == 404  # the public preview
    assert operator_client.get("/operators/templates/gadgets/preview.svg").status_code == 200
    assert AuditLog.objects.filter(action="template.save").count() == 3


def test_bad_templates_are_explained(operator_client):
    beauty = StorefrontTemplate.objects.get(code="beauty")
    bad = operator_client.post("/operators/templates/", {**form_of(beauty, theme_accent="pink", layout="{"),
                                                         "code": "Beauty"})
    html = bad.content.decode()
    assert bad.status_code == 400 and all(f'data-field="{f}"' in html for f in ("code", "theme_accent", "layout"))
    invalid_layout = operator_client.post("/operators/templates/beauty/", form_of(
        beauty, layout=json.dumps({"schema": 1, "blocks": [{"type": "video"}]})))
    assert invalid_layout.status_code == 400 and 'data-field="layout"' in invalid_layout.content.decode()


def test_the_last_active_template_cannot_be_retired(operator_client):
    codes = list(StorefrontTemplate.objects.filter(is_active=True).values_list("code", flat=True))
    for code in codes[:-1]:
        assert operator_client.post(f"/operators/templates/{code}/", {"action": "retire"}).status_code == 302
    refused = operator_client.post(f"/operators/templates/{codes[-1]}/", {"action": "retire"})
    assert refused.status_code == 400 and "至少要保留一个可用模板" in refused.content.decode()


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ["请填写 0 到 10000 之间的整数。", "输入一个有效的JSON", "该字段是必填项"]),
    ("en", ["whole number from 0 to 10000", "Enter a valid JSON", "This field is required"]),
])
def test_template_field_errors_in_place_in_both_languages(operator_client, language, expected):
    operator_client.cookies["django_language"] = language
    beauty = StorefrontTemplate.objects.get(code="beauty")
    bad = form_of(beauty, name="", sort_order="-1", layout="{not json", theme_primary="red")
    response = operator_client.post("/operators/templates/beauty/", bad)
    assert_refused_in_place(response, texts=expected,
                            fields=("name", "sort_order", "layout", "theme_primary"))
