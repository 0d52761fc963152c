"""Carts, orders, shipments and after-sales of one store. Amounts are integer fen."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.catalog.models import Product, Sku
from tenants.members.models import Member


class OrderSettings(models.Model):
    """Store-wide order rules. One row per store."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    auto_cancel_minutes = models.PositiveIntegerField(default=30)
    auto_receive_days = models.PositiveIntegerField(default=10)
    after_sale_days = models.PositiveIntegerField(default=7)  # after receipt, how long after-sales stay open
    merchant_review_days = models.PositiveIntegerField(default=2)  # then a request is approved automatically
    return_days = models.PositiveIntegerField(default=7)  # the shopper ships the return within, or it closes
    return_receive_days = models.PositiveIntegerField(default=10)  # then the return counts as received
    # Reviews wait for the merchant's approval before they show (off: they show at once, and may be hidden).
    reviews_need_approval = models.BooleanField(default=True)

    def __str__(self) -> str:
        return "order settings"


class ShippingTemplate(models.Model):
    """How the shipping fee of an order is computed. Exactly one template is the store default."""

    class Mode(models.TextChoices):
        FLAT = "flat", _("统一运费")
        WEIGHT = "weight", _("按重量")

    name = models.CharField(max_length=40)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.FLAT)
    flat_fee_fen = models.PositiveIntegerField(default=0)
    first_weight_g = models.PositiveIntegerField(default=1000)
    first_fee_fen = models.PositiveIntegerField(default=0)
    extra_weight_g = models.PositiveIntegerField(default=1000)
    extra_fee_fen = models.PositiveIntegerField(default=0)
    # Goods total (after discounts) from which shipping is free; null = never free.
    free_over_fen = models.PositiveBigIntegerField(null=True, blank=True)
    # Region overrides: [{"regions": ["65", "54"], "flat_fee_fen": 2000, "first_fee_fen": ..., "extra_fee_fen": ...}]
    # A region is a prefix of the 6-digit region code (2 = province, 4 = city, 6 = district); longest wins.
    # "unreachable": true refuses delivery there.
    region_rules = models.JSONField(default=list, blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="orders_one_default_shipping_template"),
        ]

    def __str__(self) -> str:
        return self.name


class CartItem(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="cart_items")
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    selected = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["member", "sku"], name="orders_cart_one_row_per_sku")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.sku_id}x{self.quantity}"


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("待付款")
        PAID = "paid", _("待发货")
        SHIPPED = "shipped", _("已发货")
        RECEIVED = "received", _("已收货")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已取消")
        CLOSED = "closed", _("已关闭")  # fully refunded

    number = models.CharField(max_length=40, unique=True)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="orders")
    idempotency_key = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT, db_index=True)
    goods_fen = models.PositiveBigIntegerField()  # sum of line goods before discounts
    discount_fen = models.PositiveBigIntegerField(default=0)
    shipping_fen = models.PositiveBigIntegerField(default=0)
    payable_fen = models.PositiveBigIntegerField()  # goods - discount + shipping
    paid_fen = models.PositiveBigIntegerField(default=0)
    refunded_fen = models.PositiveBigIntegerField(default=0)
    # The price breakdown as computed at checkout (pipeline steps and their adjustments), for support.
    pricing = models.JSONField(default=dict, blank=True)
    address = models.JSONField()  # snapshot: recipient, phone, region_code, province, city, district, detail
    remark = models.CharField(max_length=200, blank=True)
    device_id = models.CharField(max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    # Attribution, filled in by the distribution capability (plain id: no import of distribution here).
    distributor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    transaction_id = models.CharField(max_length=64, blank=True)
    # 1 for the buyer's first paid order, 2 for the next...: decided once, when the payment is applied, under
    # a lock on the member, so orders paid at the same moment or notified out of order never share a number.
    member_paid_seq = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    pay_deadline_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    receive_deadline_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "idempotency_key"], name="orders_idempotent_per_member"),
            models.UniqueConstraint(fields=["member", "member_paid_seq"], name="orders_one_paid_seq_per_member"),
            models.CheckConstraint(condition=models.Q(refunded_fen__lte=models.F("paid_fen")),
                                   name="orders_refund_within_paid"),
        ]
        indexes = [
            models.Index(fields=["status", "pay_deadline_at"], name="orders_pending_deadline"),
            models.Index(fields=["status", "receive_deadline_at"], name="orders_receive_deadline"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()  # 1-based, as shown to people ("line 2")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    product_id = models.BigIntegerField()
    title = models.CharField(max_length=120)
    spec_text = models.CharField(max_length=200, blank=True)
    image = models.CharField(max_length=300, blank=True)
    unit_price_fen = models.PositiveBigIntegerField()
    quantity = models.PositiveIntegerField()
    goods_fen = models.PositiveBigIntegerField()  # unit price x quantity
    discount_fen = models.PositiveBigIntegerField(default=0)  # this line's share (largest remainder)
    paid_fen = models.PositiveBigIntegerField()  # goods - discount: the base for refunds and commission
    refunded_fen = models.PositiveBigIntegerField(default=0)
    refunded_quantity = models.PositiveIntegerField(default=0)
    shipped_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="orders_line_position_unique"),
            models.CheckConstraint(condition=models.Q(refunded_fen__lte=models.F("paid_fen")),
                                   name="orders_line_refund_within_paid"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position}"


class OrderEvent(models.Model):
    """The order's timeline: every state change and notable action."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.CharField(max_length=150, blank=True)  # "member:<id>", staff login, "system", "wechatpay"
    note = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


class Shipment(models.Model):
    class Status(models.TextChoices):
        SHIPPED = "shipped", _("已发货")
        IN_TRANSIT = "in_transit", _("运输中")
        OUT_FOR_DELIVERY = "out_for_delivery", _("派送中")
        SIGNED = "signed", _("已签收")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    carrier_code = models.CharField(max_length=20)
    tracking_no = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SHIPPED)
    lines = models.JSONField(default=dict)  # {"<order_line_id>": quantity}
    shipped_at = models.DateTimeField()
    last_polled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shipped_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["carrier_code", "tracking_no"], name="orders_tracking_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier_code}:{self.tracking_no}"


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=Shipment.Status.choices)
    description = models.CharField(max_length=200)
    location = models.CharField(max_length=60, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "status", "occurred_at"], name="orders_tracking_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.status}"


# Carriers the console offers for shipments (code -> name).
CARRIERS = {"SF": "顺丰速运", "ZTO": "中通快递", "YTO": "圆通速递", "YD": "韵达快递", "STO": "申通快递",
            "JD": "京东物流", "EMS": "EMS"}


class AfterSale(models.Model):
    class Kind(models.TextChoices):
        REFUND_ONLY = "refund_only", _("仅退款")
        RETURN_REFUND = "return_refund", _("退货退款")
        EXCHANGE = "exchange", _("换货")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审核")
        REJECTED = "rejected", _("已拒绝")
        AWAITING_RETURN = "awaiting_return", _("待买家退货")
        RETURN_SHIPPED = "return_shipped", _("买家已退货")
        REFUNDING = "refunding", _("退款中")
        REFUNDED = "refunded", _("已退款")
        AWAITING_EXCHANGE = "awaiting_exchange", _("待发换货")
        EXCHANGE_SHIPPED = "exchange_shipped", _("换货已发出")
        CANCELLED = "cancelled", _("已撤销")

    OPEN_STATUSES = (Status.REQUESTED, Status.AWAITING_RETURN, Status.RETURN_SHIPPED, Status.REFUNDING,
                     Status.AWAITING_EXCHANGE)

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="after_sales")
    number = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    reason = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    photos = models.JSONField(default=list, blank=True)
    refund_fen = models.PositiveBigIntegerField(default=0)
    reject_reason = models.CharField(max_length=200, blank=True)
    return_carrier_code = models.CharField(max_length=20, blank=True)
    return_tracking_no = models.CharField(max_length=40, blank=True)
    # The replacement the merchant sends for an exchange.
    exchange_carrier_code = models.CharField(max_length=20, blank=True)
    exchange_tracking_no = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    review_deadline_at = models.DateTimeField()
    return_deadline_at = models.DateTimeField(null=True, blank=True)
    return_receive_deadline_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number


class AfterSaleLine(models.Model):
    after_sale = models.ForeignKey(AfterSale, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="after_sale_lines")
    quantity = models.PositiveIntegerField()
    refund_fen = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.after_sale_id}:{self.order_line_id}x{self.quantity}"


class Review(models.Model):
    """A shopper's review of a product they received: one per order line, with a rating (1 to 5), words and
    photos; shown on the product once published, and answered by the merchant."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        PUBLISHED = "published", _("已展示")
        HIDDEN = "hidden", _("已隐藏")

    order_line = models.OneToOneField(OrderLine, on_delete=models.PROTECT, related_name="review")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    photos = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["product", "status", "-created_at"], name="orders_review_shown")]
        constraints = [models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5),
                                              name="orders_review_rating_1_to_5")]

    def __str__(self) -> str:
        return f"review of line {self.order_line_id}"
