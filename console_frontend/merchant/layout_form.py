"""The storefront home page as forms the merchant edits block by block — banners, notice, category grid,
featured products — plus its colours, and back into a layout. Each block type is its own form (prefix
``b<n>``), so a bad field is shown in its block; what makes a whole layout valid is still decided by
``core.storefront_layout``, which the service applies."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from control_plane.storefront_templates.selectors import template_list_active
from core.form_fields import WholeNumberField
from core.storefront_layout import FEATURED_SOURCES, LAYOUT_SCHEMA_VERSION, MAX_BLOCKS, THEME_KEYS
from tenants.catalog.models import Product

from .forms import ImagesField

NEW_BLOCKS: dict[str, dict[str, Any]] = {
    "banner": {"type": "banner", "slides": [{"image": "/static/storefront/banners/beauty-1.svg", "link": "/"}]},
    "notice": {"type": "notice", "text": "欢迎光临"},
    "category_grid": {"type": "category_grid", "columns": 4, "items": [{"title": "新品"}]},
    "featured_products": {"type": "featured_products", "title": "推荐商品", "source": "newest", "limit": 6},
}


SLIDE_KEYS, GRID_ITEM_KEYS = ("image", "link"), ("title", "icon")


def pipe_lines_text(items: list[dict], keys: tuple[str, str]) -> str:
    """Items as ``PipeLinesField`` reads them: ``first | second`` one per line."""
    return "\n".join(f"{item.get(keys[0], '')} | {item.get(keys[1], '')}".rstrip(" |") for item in items)


class PipeLinesField(forms.Field):
    """Lines of ``first | second`` (one item per line) as dicts ``{first_key: …, second_key: …}``, the
    second part optional."""

    widget = forms.Textarea

    def __init__(self, *, keys: tuple[str, str], **kwargs):
        self.keys = keys
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> list[dict[str, str]]:
        items = []
        for line in str(value or "").splitlines():
            if not line.strip():
                continue
            first, _sep, second = (part.strip() for part in line.partition("|"))
            items.append({self.keys[0]: first, **({self.keys[1]: second} if second else {})})
        return items


class IdsField(forms.Field):
    """Ids carried by the page as "3,5,8" (the products a featured block was given by hand)."""

    widget = forms.HiddenInput
    default_error_messages = {"invalid": _("手动挑选的商品无效。")}

    def to_python(self, value) -> list[int]:
        parts = [part.strip() for part in str(value or "").split(",") if part.strip()]
        if not all(part.isascii() and part.isdigit() and 0 < int(part) < 2**63 for part in parts):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return [int(part) for part in parts]


class BlockForm(forms.Form):
    """One block of the home page: ``initial_from`` shows a block, ``block`` reads it back."""

    kind: ClassVar[str]
    label: ClassVar[str | Promise]

    @classmethod
    def initial_from(cls, block: dict) -> dict:
        return {name: block.get(name, field.initial) for name, field in cls.base_fields.items()}

    def block(self) -> dict:
        return {"type": self.kind, **self.cleaned_data}


class BannerForm(BlockForm):
    kind, label = "banner", _("轮播图")
    slides = PipeLinesField(keys=SLIDE_KEYS)
    upload = ImagesField(required=False)  # more slides, uploaded: appended after those above

    def block(self) -> dict:
        return {"type": self.kind, "slides": self.cleaned_data["slides"]}

    @classmethod
    def initial_from(cls, block: dict) -> dict:
        return {"slides": pipe_lines_text(block.get("slides", []), SLIDE_KEYS)}


class NoticeForm(BlockForm):
    kind, label = "notice", _("公告")
    text = forms.CharField(max_length=200)


class CategoryGridForm(BlockForm):
    kind, label = "category_grid", _("分类宫格")
    columns = forms.TypedChoiceField(choices=[(n, n) for n in (3, 4, 5)], coerce=int, initial=4)
    items = PipeLinesField(keys=GRID_ITEM_KEYS)

    @classmethod
    def initial_from(cls, block: dict) -> dict:
        return {"columns": block.get("columns", 4), "items": pipe_lines_text(block.get("items", []), GRID_ITEM_KEYS)}


SOURCE_LABELS = {"newest": _("最新上架"), "bestselling": _("销量最高"), "manual": _("手动挑选")}


class FeaturedProductsForm(BlockForm):
    kind, label = "featured_products", _("推荐商品")
    title = forms.CharField(max_length=20)
    source = forms.ChoiceField(choices=[(source, SOURCE_LABELS[source]) for source in FEATURED_SOURCES],
                               initial="newest")
    limit = WholeNumberField(low=1, high=20, initial=6)
    product_ids = IdsField(required=False)  # the picks in the merchant's order, as the page last showed them
    # The products to pick from (on sale, newest first): ticked ones are the block's picks.
    picked = forms.ModelMultipleChoiceField(
        queryset=Product.objects.filter(status=Product.Status.ON_SALE).order_by("-published_at", "-id"),
        required=False, widget=forms.CheckboxSelectMultiple)

    @classmethod
    def initial_from(cls, block: dict) -> dict:
        ids = block.get("product_ids", [])
        return {**super().initial_from(block), "product_ids": ",".join(map(str, ids)), "picked": ids}

    def block(self) -> dict:
        """The block with its picks: those kept in their order, newly ticked ones after them."""
        data = dict(self.cleaned_data)
        ticked = [product.pk for product in data.pop("picked")]
        kept = [pk for pk in data["product_ids"] if pk in ticked]
        data["product_ids"] = kept + [pk for pk in ticked if pk not in kept]
        if not data["product_ids"]:
            del data["product_ids"]
        return {"type": self.kind, **data}


BLOCK_FORMS: dict[str, type[BlockForm]] = {form.kind: form for form in
                                           (BannerForm, NoticeForm, CategoryGridForm, FeaturedProductsForm)}


class ThemeForm(forms.Form):
    """The colours and the revision the page was drawn from (a save over someone else's is refused)."""

    revision = WholeNumberField(low=0, high=2**31, required=False)
    op = forms.CharField(required=False)  # the button pressed: save, or up-3 / down-3 / delete-3 / add-notice
    theme_primary = forms.CharField(max_length=7, required=False, label=_("主色"))
    theme_accent = forms.CharField(max_length=7, required=False, label=_("辅助色"))
    theme_background = forms.CharField(max_length=7, required=False, label=_("背景色"))
    theme_text = forms.CharField(max_length=7, required=False, label=_("文字色"))

    def theme(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"theme_{key}"] for key in THEME_KEYS}


class LayoutEditor:
    """The home page's forms: the colours and one form per block, drawn from the layout in force or bound to
    what was posted (the block types and their count travel with the page)."""

    def __init__(self, data=None, files=None, *, layout: dict | None, theme: dict, revision: int | None):
        self.bound = data is not None
        if data is None:
            blocks = (layout or {}).get("blocks", [])
            self.blocks = [BLOCK_FORMS[b["type"]](prefix=f"b{i}", initial=BLOCK_FORMS[b["type"]].initial_from(b))
                           for i, b in enumerate(blocks) if b.get("type") in BLOCK_FORMS]
            self.theme = ThemeForm(initial={"revision": revision, **{f"theme_{k}": v for k, v in theme.items()}})
            return
        count = data.get("block_count", "")
        count = min(int(count), MAX_BLOCKS) if count.isascii() and count.isdigit() else 0
        kinds = [data.get(f"b{i}-type", "") for i in range(count)]
        self.blocks = [BLOCK_FORMS[kind](data, files, prefix=f"b{i}") for i, kind in enumerate(kinds)
                       if kind in BLOCK_FORMS]
        self.theme = ThemeForm(data)

    def is_valid(self) -> bool:
        return all([self.theme.is_valid(), *(form.is_valid() for form in self.blocks)])

    def new_slides(self) -> dict[int, list]:
        """Images uploaded for banner blocks, by block position; only with a plain save (an operation moves
        blocks, and the page asks for the files again)."""
        if self.theme.cleaned_data["op"] not in ("", "save"):
            return {}
        return {i: form.cleaned_data["upload"] for i, form in enumerate(self.blocks)
                if isinstance(form, BannerForm) and form.cleaned_data["upload"]}

    def layout(self) -> dict:
        """The layout as posted, with the button's operation applied."""
        layout = {"schema": LAYOUT_SCHEMA_VERSION, "blocks": [form.block() for form in self.blocks]}
        return apply_operation(layout, self.theme.cleaned_data["op"] or "save")


def apply_operation(layout: dict, operation: str) -> dict:
    """``up-3``, ``down-3``, ``delete-3`` or ``add-notice`` on the posted layout."""
    blocks = list(layout["blocks"])
    verb, _sep, arg = operation.partition("-")
    if verb == "add" and arg in NEW_BLOCKS:
        blocks.append(dict(NEW_BLOCKS[arg]))
    elif verb in {"up", "down", "delete"} and arg.isascii() and arg.isdigit() and int(arg) < len(blocks):
        i = int(arg)
        if verb == "delete":
            blocks.pop(i)
        else:
            j = i - 1 if verb == "up" else i + 1
            if 0 <= j < len(blocks):
                blocks[i], blocks[j] = blocks[j], blocks[i]
    return {**layout, "blocks": blocks}


class TemplateChoiceForm(forms.Form):
    """Switching the store to another of the platform's templates (its layout replaces the home page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"] = forms.ChoiceField(choices=[(t.code, t.name) for t in template_list_active()])
