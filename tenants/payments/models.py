"""WeChat Pay v3 for one store: its merchant credentials, payments, refunds and the notifications seen."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.orders.models import AfterSale, Order


class WechatPayMerchant(models.Model):
    """The store's own WeChat Pay merchant account. Secrets are encrypted at rest (core.crypto). One row."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    appid = models.CharField(max_length=32)
    mchid = models.CharField(max_length=32)
    merchant_private_key_encrypted = models.TextField()
    merchant_cert_serial_no = models.CharField(max_length=64)
    apiv3_key_encrypted = models.TextField()
    # "WeChat Pay public key" mode: the platform key that signs responses and notifications.
    platform_public_key = models.TextField()
    platform_public_key_id = models.CharField(max_length=64)
    # Sandbox mode: requests go to the local sandbox gateway instead of api.mch.weixin.qq.com.
    sandbox = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.mchid


class Payment(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", _("待支付")
        SUCCEEDED = "succeeded", _("已支付")
        CLOSED = "closed", _("已关闭")
        # Paid for an order that could no longer take it, and given back in full (see Refund.Reason).
        RETURNED = "returned", _("已原路退回")

    class Channel(models.TextChoices):
        MINIPROGRAM = "miniprogram", _("小程序支付")
        JSAPI = "jsapi", _("公众号支付")  # inside WeChat's browser, with the official account's appid
        H5 = "h5", _("H5 支付")  # a phone browser outside WeChat, through WeChat's cashier page

    # One payment per order and channel: the mini-program's is numbered as the order, the others carry a
    # letter, so a shopper who switches from one to the other never re-prepares a number WeChat knows under
    # another trade type. Two of them paid is a payment the order cannot take, and goes back (see services).
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.MINIPROGRAM)
    out_trade_no = models.CharField(max_length=32, unique=True)
    amount_fen = models.PositiveBigIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATED, db_index=True)
    prepay_id = models.CharField(max_length=64, blank=True)
    h5_url = models.CharField(max_length=500, blank=True)  # the cashier page of an H5 payment (no prepay_id)
    # The store's own notify endpoint, given at prepay and reused for this payment's refunds.
    notify_url = models.CharField(max_length=300, blank=True)
    transaction_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    payer_openid = models.CharField(max_length=64, blank=True)
    # What WeChat Pay reports the payer paid (normally amount_fen); what a return gives back.
    received_fen = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.out_trade_no


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待发起")
        PROCESSING = "processing", _("处理中")
        SUCCEEDED = "succeeded", _("已退款")
        FAILED = "failed", _("失败")

    class Reason(models.TextChoices):
        AFTER_SALE = "after_sale", _("售后退款")
        # A payment WeChat confirmed for an order that was cancelled, closed or already paid: the money goes
        # straight back, in full, and the order is left as it is.
        UNPAYABLE_ORDER = "unpayable_order", _("订单已失效，原路退回")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    # The payment given back; none for an order paid some other way (then the refund is settled by hand).
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds")
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.AFTER_SALE)
    after_sale = models.OneToOneField(AfterSale, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="refund")
    # Deterministic: derived from the order number and a per-order sequence; never re-issued under another.
    out_refund_no = models.CharField(max_length=64, unique=True)
    amount_fen = models.PositiveBigIntegerField()
    lines = models.JSONField(default=dict)  # {"<order_line_id>": {"quantity": q, "amount_fen": a}}
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    refund_id = models.CharField(max_length=64, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.out_refund_no


class Notification(models.Model):
    """Each WeChat Pay notification id handled once; replays are answered with success and ignored."""

    notification_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=40)
    resource_type = models.CharField(max_length=40, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.notification_id


class PaymentIssue(models.Model):
    """The review queue of WeChat Pay notifications that did not fit our records (an unknown refund, an amount
    we did not ask for, a refund WeChat could not complete...). Each was acknowledged to WeChat and kept
    here for the merchant; nothing is dropped. One row per kind and reference."""

    class Kind(models.TextChoices):
        UNKNOWN_PAYMENT = "unknown_payment", _("未知的支付")
        AMOUNT_MISMATCH = "amount_mismatch", _("支付金额与订单不符")
        UNPAYABLE_ORDER = "unpayable_order", _("订单已失效时收到支付")
        UNKNOWN_REFUND = "unknown_refund", _("未知的退款")
        REFUND_MISMATCH = "refund_mismatch", _("退款金额不符")
        REFUND_FAILED = "refund_failed", _("退款未成功")
        MERCHANT_MISMATCH = "merchant_mismatch", _("商户号不符")
        UNPROCESSED = "unprocessed", _("处理出错的通知")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    reference = models.CharField(max_length=64)  # out_trade_no, out_refund_no or the notification id
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="payment_issues")
    detail = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "reference"], name="payments_issue_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.reference}"
