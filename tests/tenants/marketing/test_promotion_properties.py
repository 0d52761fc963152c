"""Properties of the promotion arithmetic over random carts, campaigns and refund sequences (the steps' own
functions, in the pipeline's order): the lines' discounts add up exactly to the adjustments shown, nothing is
paid below zero, a refund never returns more than was paid for the line and the last unit returns exactly what
is left, and the commission base of every line is what was paid for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tenants.marketing.board import Reduction
from tenants.marketing.campaigns import tier_worth, timed_unit_price
from tenants.marketing.models import Coupon
from tenants.marketing.pricing import _worth
from tenants.orders.aftersales import refund_share_fen
from tenants.orders.calculations import PriceContext, PriceLine
from tenants.orders.models import OrderLine

NOW = datetime(2026, 12, 1, tzinfo=UTC)

line = st.tuples(st.integers(1, 200_000), st.integers(1, 6), st.one_of(st.none(), st.integers(1, 9900)))
tiers = st.lists(st.tuples(st.integers(1, 100_000), st.integers(1, 9_000)), min_size=1, max_size=3)
coupon = st.one_of(st.none(), st.tuples(st.sampled_from(["amount_off", "percent_off"]), st.integers(1, 50_000),
                                        st.integers(1, 9900), st.one_of(st.none(), st.integers(1, 20_000))))


def _reduction(raw: list[tuple[int, int]]) -> Reduction:
    steps = sorted({threshold for threshold, _off in raw})
    offs = sorted({off for _t, off in raw})[:len(steps)]
    made = [{"threshold_fen": t * 2, "amount_fen": min(off, t * 2 - 1)} for t, off in zip(steps, offs, strict=False)]
    return Reduction(starts_at=NOW, ends_at=NOW + timedelta(days=1), id=1, name="满减", kind="amount",
                     tiers=tuple(made), scope="all", scope_ids=frozenset())


@settings(max_examples=300, deadline=None)
@given(cart=st.lists(line, min_size=1, max_size=6), raw_tiers=tiers, held=coupon,
       eligible=st.lists(st.booleans(), min_size=6, max_size=6), refunds=st.lists(
           st.tuples(st.integers(0, 5), st.integers(1, 6)), max_size=12), rate_bp=st.integers(0, 3000))
def test_promotions_allocate_exactly_and_refunds_never_exceed_what_was_paid(cart, raw_tiers, held, eligible,
                                                                            refunds, rate_bp):
    ctx = PriceContext(region_code="310115", lines=[
        PriceLine(sku_id=i, product_id=i, title="", spec_text="", image="", unit_price_fen=price, quantity=quantity,
                  weight_g=0) for i, (price, quantity, _bp) in enumerate(cart)])
    for i, (price, quantity, percent_off_bp) in enumerate(cart):  # 1. timed prices
        if percent_off_bp:
            unit = timed_unit_price(price, price_fen=None, percent_off_bp=percent_off_bp)
            assert 0 <= unit <= price
            ctx.discount_line(i, (price - unit) * quantity, "限时折扣")
    indexes = [i for i in range(len(cart)) if eligible[i]] or [0]
    reduction = _reduction(raw_tiers)  # 2. the highest full-reduction tier reached, on the eligible lines
    eligible_fen = sum(ctx.lines[i].paid_fen for i in indexes)
    reached = [t for t in reduction.tiers if eligible_fen >= t["threshold_fen"]]
    if reached:
        ctx.discount_order(tier_worth(reduction, reached[-1], eligible_fen), "满减", line_indexes=indexes)
    if held is not None:  # 3. a coupon on the same lines
        kind, amount_fen, percent_off_bp, cap = held
        worth = _worth(Coupon(kind=kind, amount_fen=amount_fen, percent_off_bp=percent_off_bp, max_discount_fen=cap),
                       sum(ctx.lines[i].paid_fen for i in indexes))
        ctx.discount_order(worth, "优惠券", line_indexes=indexes)

    assert sum(a.amount_fen for a in ctx.adjustments) == ctx.discount_fen == sum(x.discount_fen for x in ctx.lines)
    assert all(x.paid_fen >= 0 for x in ctx.lines) and ctx.payable_fen >= 0
    for i, x in enumerate(ctx.lines):  # order-level discounts stay on the eligible lines
        if i not in indexes:
            unit = timed_unit_price(x.unit_price_fen, price_fen=None, percent_off_bp=cart[i][2] or 0)
            assert x.discount_fen == (x.unit_price_fen - unit) * x.quantity

    lines = [OrderLine(quantity=x.quantity, paid_fen=x.paid_fen, refunded_quantity=0, refunded_fen=0)
             for x in ctx.lines]
    commission = [x.paid_fen * rate_bp // 10000 for x in lines]  # the base is what was paid for the line
    clawed = [0] * len(lines)
    for index, quantity in refunds:
        if index >= len(lines):
            continue
        order_line = lines[index]
        quantity = min(quantity, order_line.quantity - order_line.refunded_quantity)
        if quantity <= 0:
            continue
        share = refund_share_fen(line=order_line, quantity=quantity)
        assert share >= 0
        order_line.refunded_quantity += quantity
        order_line.refunded_fen += share
        assert order_line.refunded_fen <= order_line.paid_fen
        clawed[index] = commission[index] * order_line.refunded_fen // order_line.paid_fen if order_line.paid_fen else 0
        if order_line.refunded_quantity == order_line.quantity:
            assert order_line.refunded_fen == order_line.paid_fen  # the last unit returns exactly what is left
            assert clawed[index] == commission[index]
    assert all(0 <= c <= total for c, total in zip(clawed, commission, strict=True))
