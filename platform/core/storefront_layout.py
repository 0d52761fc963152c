"""The storefront home-page layout format, shared by the template catalog and each tenant's own copy.

A layout is versioned JSON::

    {"schema": 1, "blocks": [{"type": "banner", "slides": [{"image": "...", "link": "..."}]}, ...]}

``validate_layout`` returns a list of human-readable problems (empty when valid) so both the operator
pages and the merchant console can show them next to the field.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

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
        problems.append(_("%(where)s：轮播图需要 1 到 8 张图片。") % {"where": where})
        return
    for i, slide in enumerate(slides):
        if not isinstance(slide, dict) or not _text(slide.get("image"), max_len=300):
            problems.append(_("%(where)s 第 %(n)s 张：请填写图片地址。") % {"where": where, "n": i + 1})
        elif "link" in slide and not _link(slide["link"]):
            problems.append(_("%(where)s 第 %(n)s 张：跳转只能是店内路径，以 / 开头。") % {"where": where, "n": i + 1})


def _validate_category_grid(block: dict, where: str, problems: list[str]) -> None:
    columns = block.get("columns", 4)
    if not isinstance(columns, int) or not 3 <= columns <= 5:
        problems.append(_("%(where)s：每行个数只能是 3、4 或 5。") % {"where": where})
    items = block.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= 20:
        problems.append(_("%(where)s：分类宫格需要 1 到 20 个分类。") % {"where": where})
        return
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not _text(item.get("title"), max_len=12):
            problems.append(_("%(where)s 第 %(n)s 个分类：请填写 12 字以内的名称。") % {"where": where, "n": i + 1})


def _validate_featured(block: dict, where: str, problems: list[str]) -> None:
    if not _text(block.get("title"), max_len=20):
        problems.append(_("%(where)s：请填写 20 字以内的标题。") % {"where": where})
    if block.get("source", "newest") not in FEATURED_SOURCES:
        problems.append(_("%(where)s：商品来源无效。") % {"where": where})
    limit = block.get("limit", 6)
    if not isinstance(limit, int) or not 1 <= limit <= 20:
        problems.append(_("%(where)s：数量需在 1 到 20 之间。") % {"where": where})
    ids = block.get("product_ids", [])
    if not isinstance(ids, list) or not all(isinstance(x, int) and x > 0 for x in ids):
        problems.append(_("%(where)s：手动挑选的商品无效。") % {"where": where})


def _validate_notice(block: dict, where: str, problems: list[str]) -> None:
    if not _text(block.get("text"), max_len=200):
        problems.append(_("%(where)s：请填写 200 字以内的公告。") % {"where": where})


_BLOCKS = {
    "banner": _validate_banner,
    "category_grid": _validate_category_grid,
    "featured_products": _validate_featured,
    "notice": _validate_notice,
}
BLOCK_TYPES = tuple(_BLOCKS)


def validate_layout(layout: Any) -> list[str]:
    if not isinstance(layout, dict):
        return [_("布局必须是一个 JSON 对象。")]
    problems: list[str] = []
    if layout.get("schema") != LAYOUT_SCHEMA_VERSION:
        problems.append(_("布局格式版本必须是 %(v)s。") % {"v": LAYOUT_SCHEMA_VERSION})
    blocks = layout.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        problems.append(_("首页至少需要一个模块。"))
        return problems
    if len(blocks) > MAX_BLOCKS:
        problems.append(_("首页最多 %(n)s 个模块。") % {"n": MAX_BLOCKS})
    for i, block in enumerate(blocks):
        where = _("第 %(n)s 个模块") % {"n": i + 1}
        if not isinstance(block, dict) or block.get("type") not in _BLOCKS:
            problems.append(_("%(where)s：不支持的模块类型。") % {"where": where})
            continue
        _BLOCKS[block["type"]](block, where, problems)
    return problems


def validate_theme(theme: Any) -> list[str]:
    if not isinstance(theme, dict):
        return [_("配色必须是一个 JSON 对象。")]
    return [
        _("配色 %(key)s 须为颜色值，如 #ff5000。") % {"key": key} for key in THEME_KEYS
        if not _HEX.match(str(theme.get(key, "")))
    ]
