"""The storefront layout as a form the merchant can edit block by block (banners, notice, category grid,
featured products), and back. What makes a layout valid is decided by ``core.storefront_layout``."""

from __future__ import annotations

from core.storefront_layout import LAYOUT_SCHEMA_VERSION, THEME_KEYS
from core.text import ascii_digits

NEW_BLOCKS = {
    "banner": {"type": "banner", "slides": [{"image": "/static/storefront/banners/beauty-1.svg", "link": "/"}]},
    "notice": {"type": "notice", "text": "欢迎光临"},
    "category_grid": {"type": "category_grid", "columns": 4, "items": [{"title": "新品"}]},
    "featured_products": {"type": "featured_products", "title": "推荐商品", "source": "newest", "limit": 6},
}


def _lines(text: str) -> list[list[str]]:
    return [[part.strip() for part in line.split("|")] for line in str(text).splitlines() if line.strip()]


def blocks_for_form(layout: dict) -> list[dict]:
    """Each block with its fields as the form shows them (slides and grid items one per line)."""
    shown = []
    for index, block in enumerate(layout.get("blocks", [])):
        row = {"index": index, "type": block.get("type", "")}
        if row["type"] == "banner":
            row["slides"] = "\n".join(f"{s.get('image', '')} | {s.get('link', '')}".rstrip(" |")
                                      for s in block.get("slides", []))
        elif row["type"] == "notice":
            row["text"] = block.get("text", "")
        elif row["type"] == "category_grid":
            row["columns"] = block.get("columns", 4)
            row["items"] = "\n".join(f"{i.get('title', '')} | {i.get('icon', '')}".rstrip(" |")
                                     for i in block.get("items", []))
        elif row["type"] == "featured_products":
            row.update(title=block.get("title", ""), source=block.get("source", "newest"), limit=block.get("limit", 6))
        shown.append(row)
    return shown


def _int(value: str, default: int) -> int | str:
    value = str(value).strip()
    return int(value) if ascii_digits(value.lstrip("-")) else (value or default)


def layout_from_form(post) -> tuple[dict, dict]:
    """The layout and theme the form describes (validation is the service's job)."""
    blocks = []
    for index in range(int(post.get("block_count", "0") or 0)):
        kind = post.get(f"b{index}-type", "")
        if kind == "banner":
            slides = [{"image": parts[0], **({"link": parts[1]} if len(parts) > 1 and parts[1] else {})}
                      for parts in _lines(post.get(f"b{index}-slides", ""))]
            blocks.append({"type": "banner", "slides": slides})
        elif kind == "notice":
            blocks.append({"type": "notice", "text": post.get(f"b{index}-text", "").strip()})
        elif kind == "category_grid":
            items = [{"title": parts[0], **({"icon": parts[1]} if len(parts) > 1 and parts[1] else {})}
                     for parts in _lines(post.get(f"b{index}-items", ""))]
            blocks.append({"type": "category_grid", "columns": _int(post.get(f"b{index}-columns", ""), 4),
                           "items": items})
        elif kind == "featured_products":
            blocks.append({"type": "featured_products", "title": post.get(f"b{index}-title", "").strip(),
                           "source": post.get(f"b{index}-source", "newest"),
                           "limit": _int(post.get(f"b{index}-limit", ""), 6)})
    theme = {key: post.get(f"theme_{key}", "").strip() for key in THEME_KEYS}
    return {"schema": LAYOUT_SCHEMA_VERSION, "blocks": blocks}, theme


def apply_operation(layout: dict, operation: str) -> dict:
    """``up-3``, ``down-3``, ``delete-3`` or ``add-notice`` on the posted layout."""
    blocks = list(layout["blocks"])
    verb, _, arg = operation.partition("-")
    if verb == "add" and arg in NEW_BLOCKS:
        blocks.append(dict(NEW_BLOCKS[arg]))
    elif verb in {"up", "down", "delete"} and ascii_digits(arg) and int(arg) < len(blocks):
        i = int(arg)
        if verb == "delete":
            blocks.pop(i)
        else:
            j = i - 1 if verb == "up" else i + 1
            if 0 <= j < len(blocks):
                blocks[i], blocks[j] = blocks[j], blocks[i]
    return {**layout, "blocks": blocks}
