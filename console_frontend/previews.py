"""Template preview images, drawn as SVG from the template's own theme and layout so a preview can never
drift from what the template really contains."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from control_plane.storefront_templates.selectors import TemplateSnapshot, template_get_active

_BLOCK_HEIGHT = {"banner": 90, "notice": 22, "category_grid": 56, "featured_products": 96}


def _blocks_with_positions(layout: dict) -> list[dict]:
    y, placed = 44, []
    for block in layout.get("blocks", []):
        height = _BLOCK_HEIGHT.get(block.get("type"), 30)
        if y + height > 470:
            break
        cells = []
        if block["type"] == "category_grid":
            columns = block.get("columns", 4)
            width = (220 - 8 * (columns - 1)) / columns
            cells = [{"x": 20 + i * (width + 8), "w": width, "title": item.get("title", "")}
                     for i, item in enumerate(block.get("items", [])[:columns])]
        placed.append({**block, "y": y, "h": height, "cells": cells})
        y += height + 10
    return placed


def render_preview(template: TemplateSnapshot) -> HttpResponse:
    svg = render_to_string("console_frontend/template_preview.svg",
                           {"t": template, "theme": template.theme, "blocks": _blocks_with_positions(template.layout)})
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@require_GET
@cache_control(max_age=300)
def template_preview(request: HttpRequest, code: str) -> HttpResponse:
    template = template_get_active(code=code)
    if template is None:
        raise Http404("No such template")
    return render_preview(template)
