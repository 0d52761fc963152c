"""WeChat Pay: preparing a JSAPI payment, and handling the payment notification.

The notification handler trusts nothing it has not checked: the platform key id (an unknown one is
refused before the SDK would fetch certificates over the network), the timestamp (the SDK does not
check it: replays older than five minutes are refused), the RSA signature and the AES-GCM decryption
(the SDK), then appid, mchid and amount against our own records. It is idempotent: the payment row is
locked and each notification id is recorded once, so the same notification delivered many times at
once settles the order once and every delivery is answered with success.
"""

from __future__ import annotations

import json
import secrets
import time

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core import crypto
from core.errors import Conflict, IllegalTransition, ValidationFailed
from tenants.orders.models import Order
from tenants.orders.services import order_mark_paid

from .gateway import merchant_get, wechatpay_client
from .models import Notification, Payment, WechatPayMerchant
from .refunds import refund_apply_success

NOTIFICATION_MAX_AGE_S = 300


class NotificationRejected(Exception):
    """The notification is not one we accept; WeChat gets a FAIL reply and will retry or give up."""

    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.reason, self.status = reason, status


@transaction.atomic
def wechatpay_configure(*, appid: str, mchid: str, private_key_pem: str, cert_serial_no: str, apiv3_key: str,
                        platform_public_key_pem: str, platform_public_key_id: str,
                        sandbox: bool = False) -> WechatPayMerchant:
    """Store the merchant credentials; the private key and APIv3 key are encrypted at rest. From the console
    the two secrets are write-only: left empty, the stored ones are kept."""
    current = WechatPayMerchant.objects.filter(singleton=1).first()
    keys = settings.FIELD_ENCRYPTION_KEYS
    if current is not None:
        if not private_key_pem.strip():
            private_key_pem = crypto.decrypt(current.merchant_private_key_encrypted, keys=keys)
        if not apiv3_key:
            apiv3_key = crypto.decrypt(current.apiv3_key_encrypted, keys=keys)
    fields: dict[str, list[str]] = {}
    for name, value in (("appid", appid), ("mchid", mchid), ("cert_serial_no", cert_serial_no),
                        ("platform_public_key_id", platform_public_key_id)):
        if not value.strip():
            fields[name] = [_("必填。")]
    if len(apiv3_key) != 32:
        fields["apiv3_key"] = [_("APIv3 密钥应为 32 个字符。")]
    try:
        serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    except (ValueError, TypeError):
        fields["private_key_pem"] = [_("不是有效的 PEM 格式私钥。")]
    try:
        serialization.load_pem_public_key(platform_public_key_pem.encode())
    except (ValueError, TypeError):
        fields["platform_public_key_pem"] = [_("不是有效的 PEM 格式公钥。")]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    merchant, _created = WechatPayMerchant.objects.update_or_create(singleton=1, defaults={
        "appid": appid, "mchid": mchid, "merchant_cert_serial_no": cert_serial_no,
        "merchant_private_key_encrypted": crypto.encrypt(private_key_pem, keys=keys),
        "apiv3_key_encrypted": crypto.encrypt(apiv3_key, keys=keys),
        "platform_public_key": platform_public_key_pem, "platform_public_key_id": platform_public_key_id,
        "sandbox": sandbox,
    })
    return merchant


def payment_prepare(*, order: Order, payer_openid: str, notify_url: str) -> dict:
    """Parameters for wx.requestPayment. Reuses the prepay of a payment already prepared."""
    if order.status != Order.Status.PENDING_PAYMENT:
        raise IllegalTransition(_("订单状态为“%(status)s”，不能支付。") % {"status": order.get_status_display()})
    if not payer_openid:
        raise Conflict(_("请先使用微信登录。"), code="payer_unknown")
    merchant = merchant_get()
    client = wechatpay_client(merchant, notify_url=notify_url)
    payment, _created = Payment.objects.get_or_create(out_trade_no=order.number, defaults={
        "order": order, "amount_fen": order.payable_fen, "notify_url": notify_url})
    if not payment.prepay_id:
        # The gateway call is outside any transaction: nothing is held locked while WeChat answers.
        code, message = client.pay(description=f"订单 {order.number}"[:127], out_trade_no=order.number,
                                   amount={"total": order.payable_fen, "currency": "CNY"},
                                   payer={"openid": payer_openid})
        if code != 200:
            raise Conflict(_("微信支付暂时不可用，请稍后再试。"), code="gateway_error")
        Payment.objects.filter(pk=payment.pk).update(prepay_id=json.loads(message)["prepay_id"])
        payment.refresh_from_db()
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    package = f"prepay_id={payment.prepay_id}"
    return {"appId": merchant.appid, "timeStamp": timestamp, "nonceStr": nonce, "package": package,
            "signType": "RSA", "paySign": client.sign([merchant.appid, timestamp, nonce, package])}


def _header(headers, name: str) -> str:
    return headers.get(name) or headers.get("HTTP_" + name.upper().replace("-", "_")) or ""


def payment_notification_handle(*, headers, body: bytes, now: float | None = None) -> str:
    """Verify and apply one notification. Returns what happened ("paid", "duplicate", "ignored");
    raises NotificationRejected when it must not be accepted."""
    merchant = WechatPayMerchant.objects.filter(singleton=1).first()
    if merchant is None:
        raise NotificationRejected("wechatpay not configured", 404)
    if _header(headers, "Wechatpay-Serial") != merchant.platform_public_key_id:
        raise NotificationRejected("unknown platform key id")
    try:
        timestamp = int(_header(headers, "Wechatpay-Timestamp"))
    except ValueError:
        raise NotificationRejected("missing timestamp") from None
    if abs((now or time.time()) - timestamp) > NOTIFICATION_MAX_AGE_S:
        raise NotificationRejected("stale or future timestamp")
    try:
        data = wechatpay_client(merchant).callback(headers=dict(headers), body=body)
    except Exception as exc:  # the SDK raises bare Exception for unsupported signature types/algorithms
        raise NotificationRejected(f"unreadable notification: {exc}") from None
    if not data:
        raise NotificationRejected("signature or decryption failed", 401)
    if data.get("event_type") == "REFUND.SUCCESS":
        return _apply_refund(merchant, data)
    if data.get("event_type") != "TRANSACTION.SUCCESS":
        _record(data)
        return "ignored"
    return _apply_payment(merchant, data)


@transaction.atomic
def _apply_refund(merchant: WechatPayMerchant, data: dict) -> str:
    resource = data["resource"]
    if resource.get("mchid") != merchant.mchid:
        raise NotificationRejected("mchid does not match this store")
    try:
        outcome = refund_apply_success(resource=resource)
    except LookupError:
        raise NotificationRejected("unknown out_refund_no", 404) from None
    except ValueError as exc:
        raise NotificationRejected(str(exc)) from None
    _record(data)
    return outcome


def _record(data: dict) -> bool:
    try:
        with transaction.atomic():
            Notification.objects.create(notification_id=data["id"], event_type=data.get("event_type", ""),
                                        resource_type=data.get("resource_type", ""))
    except IntegrityError:
        return False
    return True


@transaction.atomic
def _apply_payment(merchant: WechatPayMerchant, data: dict) -> str:
    resource = data["resource"]
    if resource.get("mchid") != merchant.mchid or resource.get("appid") != merchant.appid:
        raise NotificationRejected("mchid or appid does not match this store")
    payment = Payment.objects.select_for_update().filter(out_trade_no=resource.get("out_trade_no")).first()
    if payment is None:
        raise NotificationRejected("unknown out_trade_no", 404)
    total = int(resource.get("amount", {}).get("total", -1))
    if total != payment.amount_fen:
        raise NotificationRejected("amount does not match the order")
    if not _record(data) or payment.status == Payment.Status.SUCCEEDED:
        return "duplicate"
    paid_at = parse_datetime(resource.get("success_time") or "") or timezone.now()
    payment.status, payment.transaction_id = Payment.Status.SUCCEEDED, resource["transaction_id"]
    payment.payer_openid, payment.succeeded_at = resource.get("payer", {}).get("openid", ""), paid_at
    payment.save(update_fields=["status", "transaction_id", "payer_openid", "succeeded_at"])
    order_mark_paid(order_id=payment.order_id, paid_fen=total, transaction_id=payment.transaction_id,
                    paid_at=paid_at)
    return "paid"


@transaction.atomic
def apply_queried_payment(*, payment: Payment, state: dict) -> str:
    """A payment found by querying WeChat Pay (its notification never came), applied like one."""
    return _apply_payment(merchant_get(), {"id": f"query:{state.get('transaction_id', '')}",
                                           "event_type": "TRANSACTION.SUCCESS", "resource": state})
