"""The price of an order, computed by a pipeline of steps.

Each step receives the PriceContext and may add adjustments: a discount on one line, or on the whole
order (allocated to lines by the largest-remainder method, weighted by what each line still costs, so
the parts sum exactly and a refund of one line is exact). Promotions (coupons, member prices,
limited-time discounts, points) plug in as steps listed in settings.ORDER_PRICING_STEPS; shipping is
computed last, on the goods total after discounts.

A step is any callable ``step(ctx: PriceContext) -> None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.money import split_largest_remainder

from .error_codes import OrdersCode
from .models import ShippingTemplate

DEFAULT_STEPS: tuple[str, ...] = ()
# Price campaigns whose lines sell at the campaign's own price: no later discount (full reduction, coupon,
# points) takes anything more off them.
OWN_PRICE_CAMPAIGNS = ("flash", "group")


@dataclass
class PriceLine:
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    image: str
    unit_price_fen: int
    quantity: int
    weight_g: int
    discount_fen: int = 0
    campaign: str = ""  # the price campaign the line sells under ("flash", "discount"): later steps may skip it

    @property
    def goods_fen(self) -> int:
        return self.unit_price_fen * self.quantity

    @property
    def paid_fen(self) -> int:
        return self.goods_fen - self.discount_fen

    @property
    def own_price(self) -> bool:
        return self.campaign in OWN_PRICE_CAMPAIGNS


@dataclass(frozen=True)
class Adjustment:
    label: str
    amount_fen: int  # positive = discount
    line_index: int | None = None  # None = the whole order


@dataclass
class PriceContext:
    lines: list[PriceLine]
    region_code: str
    member_id: int | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    shipping_fen: int = 0
    # What the shopper chose for the steps (``{"coupon_ids": [...]}``; a missing choice lets a step pick the best).
    choices: dict = field(default_factory=dict)
    # What the steps applied, kept on the order (``{"coupons": [member coupon ids]}``), and what they offered
    # the shopper to choose from (the checkout shows it).
    promotions: dict = field(default_factory=dict)
    offers: dict = field(default_factory=dict)
    free_shipping: bool = False  # the shipping fee, once computed, is waived (shown as an adjustment)
    free_shipping_label: str = ""

    def discount_line(self, index: int, amount_fen: int, label: str) -> None:
        line = self.lines[index]
        amount_fen = min(amount_fen, line.paid_fen)
        if amount_fen <= 0:
            return
        line.discount_fen += amount_fen
        self.adjustments.append(Adjustment(label=label, amount_fen=amount_fen, line_index=index))

    def discount_order(self, amount_fen: int, label: str, *, line_indexes: list[int] | None = None) -> int:
        """Take ``amount_fen`` off the order (or off the lines ``line_indexes`` only), allocated by largest
        remainder over what each line still costs; never more than they cost. Returns what was taken."""
        indexes = list(range(len(self.lines))) if line_indexes is None else line_indexes
        payable = [self.lines[i].paid_fen for i in indexes]
        amount_fen = min(amount_fen, sum(payable))
        if amount_fen <= 0:
            return 0
        for i, share in zip(indexes, split_largest_remainder(amount_fen, payable), strict=True):
            self.lines[i].discount_fen += share
        self.adjustments.append(Adjustment(label=label, amount_fen=amount_fen))
        return amount_fen

    @property
    def goods_fen(self) -> int:
        return sum(line.goods_fen for line in self.lines)

    @property
    def discount_fen(self) -> int:
        return sum(line.discount_fen for line in self.lines)

    @property
    def payable_fen(self) -> int:
        return self.goods_fen - self.discount_fen + self.shipping_fen

    def breakdown(self) -> dict:
        return {
            "goods_fen": self.goods_fen, "discount_fen": self.discount_fen, "shipping_fen": self.shipping_fen,
            "payable_fen": self.payable_fen,
            "adjustments": [{"label": a.label, "amount_fen": a.amount_fen, "line": a.line_index}
                            for a in self.adjustments],
            "promotions": self.promotions,
        }


def _region_rule(template: ShippingTemplate, region_code: str) -> dict | None:
    """The rule whose region prefix matches the longest part of the address's region code."""
    best, best_len = None, 0
    for rule in template.region_rules:
        for prefix in rule.get("regions", []):
            if region_code.startswith(prefix) and len(prefix) > best_len:
                best, best_len = rule, len(prefix)
    return best


def shipping_fee_fen(*, template: ShippingTemplate | None, region_code: str, goods_after_discount_fen: int,
                     weight_g: int) -> int:
    if template is None:
        return 0
    rule = _region_rule(template, region_code) or {}
    if rule.get("unreachable"):
        raise ValidationFailed(_("该地区暂不支持配送。"), code=OrdersCode.UNREACHABLE_REGION,
                               fields={"address_id": [_("该地区暂不支持配送，请更换收货地址。")]})
    free_over = rule.get("free_over_fen", template.free_over_fen)
    if free_over is not None and goods_after_discount_fen >= free_over:
        return 0
    if template.mode == ShippingTemplate.Mode.FLAT:
        return int(rule.get("flat_fee_fen", template.flat_fee_fen))
    first_fee = int(rule.get("first_fee_fen", template.first_fee_fen))
    extra_fee = int(rule.get("extra_fee_fen", template.extra_fee_fen))
    if weight_g <= template.first_weight_g:
        return first_fee
    extra_units = -(-(weight_g - template.first_weight_g) // max(template.extra_weight_g, 1))  # ceiling
    return first_fee + extra_units * extra_fee


def _steps() -> list[Callable[[PriceContext], None]]:
    return [import_string(path) for path in getattr(settings, "ORDER_PRICING_STEPS", DEFAULT_STEPS)]


def price(ctx: PriceContext) -> PriceContext:
    """Run the promotion steps, then shipping. Mutates and returns ``ctx``."""
    for step in _steps():
        step(ctx)
    template = ShippingTemplate.objects.filter(is_default=True).first()
    ctx.shipping_fen = shipping_fee_fen(
        template=template, region_code=ctx.region_code, goods_after_discount_fen=ctx.goods_fen - ctx.discount_fen,
        weight_g=sum(line.weight_g * line.quantity for line in ctx.lines),
    )
    if ctx.free_shipping and ctx.shipping_fen:  # a free-shipping coupon (the region must still be reachable)
        ctx.adjustments.append(Adjustment(label=str(ctx.free_shipping_label or _("包邮")), amount_fen=ctx.shipping_fen))
        ctx.shipping_fen = 0
    return ctx
