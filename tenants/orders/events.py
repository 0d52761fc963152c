"""What orders announce (core.events). Distribution and payments subscribe; orders imports neither."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrderPaid:
    order_id: int


@dataclass(frozen=True)
class OrderPlaced:
    """An order was placed (inside its transaction): what the pricing steps applied is to be taken (a coupon is
    used up). A subscriber that cannot take it raises, and the order is not placed."""

    order_id: int
    member_id: int
    promotions: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OrderReceived:
    """The shopper (or the auto-receive job) confirmed receipt, inside that transaction."""

    order_id: int
    member_id: int


@dataclass(frozen=True)
class OrderCancelled:
    order_id: int


@dataclass(frozen=True)
class RefundRequested:
    order_id: int
    after_sale_id: int
    amount_fen: int
    lines: dict[int, tuple[int, int]] = field(default_factory=dict)  # line id -> (quantity, amount_fen)


@dataclass(frozen=True)
class OrderRefunded:
    order_id: int
    after_sale_id: int | None
    amount_fen: int
    lines: dict[int, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderRulesChanging:
    """The store's order rules are about to change (inside the saving transaction). A subscriber that cannot
    live with them raises ValidationFailed naming the field, and nothing is saved."""

    after_sale_days: int


@dataclass(frozen=True)
class ReviewPublished:
    """A review is shown on its product (at once, or when the merchant approves it); each review is announced
    once per publication, and a subscriber rewarding it must key the reward by the review."""

    review_id: int
    member_id: int
    order_line_id: int
