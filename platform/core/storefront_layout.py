"""The storefront home-page layout format, shared by the template catalog and each tenant's own copy.

A layout is versioned JSON::

    {"schema": 1, "blocks": [{"type": "banner", "slides": [{"image": "...", "link": "..."}]}, ...]}

``validate_layout`` returns a list of human-readable problems (empty when valid) so both the operator
pages and the merchant console can show them next to the field.
"""

from __future__ import annotations

import re
from typing import Any

LAYOUT_SCHEMA_VERSION = 1
MAX_BLOCKS = 30
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
THEME_KEYS = ("primary", "accent", "background", "text")
FEATURED_SOURCES = ("manual", "newest", "bestselling")


def _text(value: Any, *, max_len: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= max_len


def _link(value: Any) -> bool:
    # Links stay inside the store (mini-program page paths or H5 paths); absolute URLs are refused so a
    # layout can never send shoppers to another site.
    return isinstance(value, str) and len(value) <= 200 and value.startswith("/")


def _validate_banner(block: dict, where: str, problems: list[str]) -> None:
    slides = block.get("slides")
    if not isinstance(slides, list) or not 1 <= len(slides) <= 8:
        problems.append(f"{where}: a banner needs 1 to 8 slides.")
        return
    for i, slide in enumerate(slides):
        if not isinstance(slide, dict) or not _text(slide.get("image"), max_len=300):
            problems.append(f"{where}.slides[{i}]: an image path is required.")
        elif "link" in slide and not _link(slide["link"]):
            problems.append(f"{where}.slides[{i}]: the link must be a path inside the store, starting with '/'.")


def _validate_category_grid(block: dict, where: str, problems: list[str]) -> None:
    columns = block.get("columns", 4)
    if not isinstance(columns, int) or not 3 <= columns <= 5:
        problems.append(f"{where}: columns must be 3, 4 or 5.")
    items = block.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= 20:
        problems.append(f"{where}: a category grid needs 1 to 20 items.")
        return
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not _text(item.get("title"), max_len=12):
            problems.append(f"{where}.items[{i}]: a title of at most 12 characters is required.")


def _validate_featured(block: dict, where: str, problems: list[str]) -> None:
    if not _text(block.get("title"), max_len=20):
        problems.append(f"{where}: a title of at most 20 characters is required.")
    if block.get("source", "newest") not in FEATURED_SOURCES:
        problems.append(f"{where}: source must be one of {', '.join(FEATURED_SOURCES)}.")
    limit = block.get("limit", 6)
    if not isinstance(limit, int) or not 1 <= limit <= 20:
        problems.append(f"{where}: limit must be between 1 and 20.")
    ids = block.get("product_ids", [])
    if not isinstance(ids, list) or not all(isinstance(x, int) and x > 0 for x in ids):
        problems.append(f"{where}: product_ids must be a list of product ids.")


def _validate_notice(block: dict, where: str, problems: list[str]) -> None:
    if not _text(block.get("text"), max_len=200):
        problems.append(f"{where}: notice text of at most 200 characters is required.")


_BLOCKS = {
    "banner": _validate_banner,
    "category_grid": _validate_category_grid,
    "featured_products": _validate_featured,
    "notice": _validate_notice,
}
BLOCK_TYPES = tuple(_BLOCKS)


def validate_layout(layout: Any) -> list[str]:
    if not isinstance(layout, dict):
        return ["The layout must be a JSON object."]
    problems: list[str] = []
    if layout.get("schema") != LAYOUT_SCHEMA_VERSION:
        problems.append(f"schema must be {LAYOUT_SCHEMA_VERSION}.")
    blocks = layout.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        problems.append("blocks must be a non-empty list.")
        return problems
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"At most {MAX_BLOCKS} blocks are allowed.")
    for i, block in enumerate(blocks):
        where = f"blocks[{i}]"
        if not isinstance(block, dict) or block.get("type") not in _BLOCKS:
            problems.append(f"{where}: type must be one of {', '.join(BLOCK_TYPES)}.")
            continue
        _BLOCKS[block["type"]](block, where, problems)
    return problems


def validate_theme(theme: Any) -> list[str]:
    if not isinstance(theme, dict):
        return ["The theme must be a JSON object."]
    return [
        f"theme.{key} must be a colour like #ff5000." for key in THEME_KEYS if not _HEX.match(str(theme.get(key, "")))
    ]
