"""WeChat Pay: preparing a JSAPI payment, and handling the payment notification.

The notification handler trusts nothing it has not checked: the platform key id (an unknown one is
refused before the SDK would fetch certificates over the network), the timestamp (the SDK does not
check it: replays older than five minutes are refused), the RSA signature and the AES-GCM decryption
(the SDK), then appid, mchid and amount against our own records. It is idempotent: the payment row is
locked and each notification id is recorded once, so the same notification delivered many times at
once settles the order once and every delivery is answered with success.

A genuine notification is never refused for what it says: a payment for an order that can no longer take
it (cancelled, closed, paid already, another amount) is recorded and refunded in full; an unknown
payment or refund is kept in the review queue (``PaymentIssue``) and acknowledged.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from wechatpayv3 import WeChatPayType

from core import crypto
from core.errors import Conflict, IllegalTransition, ValidationFailed
from tenants.members.models import OfficialAccount
from tenants.orders.models import Order
from tenants.orders.services import order_mark_paid

from .error_codes import PaymentsCode
from .gateway import merchant_get, wechatpay_client
from .issues import notified_fen, payment_issue_record, resource_summary
from .models import Notification, Payment, PaymentIssue, WechatPayMerchant
from .refunds import payment_return, refund_apply_failure, refund_apply_success

NOTIFICATION_MAX_AGE_S = 300
REFUND_EVENTS = ("REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED")


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


_NUMBER_SUFFIX: dict[str, str] = {Payment.Channel.MINIPROGRAM: "", Payment.Channel.JSAPI: "J", Payment.Channel.H5: "H"}


def _official_account_appid() -> str:
    account = OfficialAccount.objects.filter(singleton=1).first()
    if account is None:
        raise Conflict(_("店铺尚未配置公众号，请在小程序内支付。"), code=PaymentsCode.PAYER_UNKNOWN)
    return account.appid


def _store_appids(merchant: WechatPayMerchant) -> set[str]:
    """The appids this store's payments are made under: the merchant's (mini-program) and the official account's."""
    return {merchant.appid, *OfficialAccount.objects.filter(singleton=1).values_list("appid", flat=True)}


def payment_prepare(*, order: Order, notify_url: str, channel: str = Payment.Channel.MINIPROGRAM,
                    payer_openid: str = "", client_ip: str = "") -> dict:
    """Prepare paying ``order`` through ``channel``: in the mini-program (wx.requestPayment's parameters, under
    the merchant's appid), in WeChat's browser (JSAPI: WeixinJSBridge's getBrandWCPayRequest parameters, under
    the official account's appid and its openid of the payer) or in another phone browser (H5: the ``h5_url`` of
    WeChat's cashier page, for the payer's IP). A JSAPI prepay is reused while it lasts; an H5 cashier URL lasts
    minutes, so every call asks for a fresh one for the same trade number."""
    if order.status != Order.Status.PENDING_PAYMENT:
        raise IllegalTransition(_("订单状态为“%(status)s”，不能支付。") % {"status": order.get_status_display()})
    merchant = merchant_get()
    h5 = channel == Payment.Channel.H5
    if h5 and not client_ip:
        raise ValidationFailed(_("无法识别付款设备，请刷新后重试。"), fields={"client_ip": [_("缺少付款方 IP。")]})
    if not h5 and not payer_openid:
        raise Conflict(_("请先使用微信登录。"), code=PaymentsCode.PAYER_UNKNOWN)
    appid = _official_account_appid() if channel == Payment.Channel.JSAPI else merchant.appid
    client = wechatpay_client(merchant, notify_url=notify_url)
    payment, _created = Payment.objects.get_or_create(out_trade_no=order.number + _NUMBER_SUFFIX[channel], defaults={
        "order": order, "channel": channel, "amount_fen": order.payable_fen, "notify_url": notify_url})
    if h5 or not payment.prepay_id:
        # The gateway call is outside any transaction: nothing is held locked while WeChat answers.
        code, message = client.pay(
            description=f"订单 {order.number}"[:127], out_trade_no=payment.out_trade_no, appid=appid,
            amount={"total": payment.amount_fen, "currency": "CNY"},
            payer=None if h5 else {"openid": payer_openid},
            scene_info={"payer_client_ip": client_ip, "h5_info": {"type": "Wap"}} if h5 else None,
            pay_type=WeChatPayType.H5 if h5 else WeChatPayType.JSAPI)
        if code != 200:
            raise Conflict(_("微信支付暂时不可用，请稍后再试。"), code=PaymentsCode.GATEWAY_ERROR)
        answer = json.loads(message)
        Payment.objects.filter(pk=payment.pk).update(**{"h5_url": answer["h5_url"]} if h5 else
                                                      {"prepay_id": answer["prepay_id"]})
        payment.refresh_from_db()
    if h5:
        return {"h5_url": payment.h5_url}
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    package = f"prepay_id={payment.prepay_id}"
    return {"appId": appid, "timeStamp": timestamp, "nonceStr": nonce, "package": package,
            "signType": "RSA", "paySign": client.sign([appid, timestamp, nonce, package])}


def payment_refresh(*, order: Order) -> str:
    """Ask WeChat Pay about the order's prepared payments while the order waits for one (the shopper is back from
    paying before the notification): one that succeeded is applied like its notification. Returns the order's
    status afterwards."""
    if order.status != Order.Status.PENDING_PAYMENT:
        return order.status
    merchant = merchant_get()
    for payment in Payment.objects.filter(order=order, status=Payment.Status.CREATED).order_by("pk"):
        if not (payment.prepay_id or payment.h5_url):
            continue
        code, message = wechatpay_client(merchant).query(out_trade_no=payment.out_trade_no)
        state = json.loads(message) if code == 200 else {}
        if state.get("trade_state") == "SUCCESS":
            apply_queried_payment(payment=payment, state=state)
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def _header(headers, name: str) -> str:
    return headers.get(name) or headers.get("HTTP_" + name.upper().replace("-", "_")) or ""


def payment_notification_handle(*, headers, body: bytes, now: float | None = None) -> str:
    """Verify and apply one notification. Returns what happened ("paid", "returned", "refunded", "recorded",
    "duplicate", "ignored"); raises NotificationRejected only when it is not a genuine, fresh notification
    for this store. A genuine one that does not fit our records is acknowledged and put right or queued."""
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
    if data.get("event_type") in REFUND_EVENTS:
        return _apply_refund(merchant, data)
    if data.get("event_type") != "TRANSACTION.SUCCESS":
        _record(data)
        return "ignored"
    return _apply_payment(merchant, data)


def _apply_refund(merchant: WechatPayMerchant, data: dict) -> str:
    resource = data["resource"]
    with transaction.atomic():
        if resource.get("mchid") != merchant.mchid:
            outcome = _merchant_mismatch(data)
        elif data.get("event_type") == "REFUND.SUCCESS":
            outcome = refund_apply_success(resource=resource)
        else:
            outcome = refund_apply_failure(resource=resource)
        _record(data)
    return outcome


def _merchant_mismatch(data: dict) -> str:
    """Signed by WeChat with this store's platform key, but for another merchant account: kept for review."""
    payment_issue_record(kind=PaymentIssue.Kind.MERCHANT_MISMATCH, reference=str(data.get("id") or "?"),
                         detail="a notification for another merchant number or appid",
                         data=resource_summary(data["resource"]))
    return "recorded"


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
    """A successful payment. It is always recorded; it pays the order only if the order can take exactly
    it, and otherwise goes straight back to the payer (``payment_return``) with the merchant told."""
    resource = data["resource"]
    if resource.get("mchid") != merchant.mchid or resource.get("appid") not in _store_appids(merchant):
        _record(data)
        return _merchant_mismatch(data)
    out_trade_no = str(resource.get("out_trade_no") or "")
    payment = Payment.objects.select_for_update().filter(out_trade_no=out_trade_no).first()
    total = notified_fen(resource.get("amount", {}).get("total"))
    if payment is None or not total or not resource.get("transaction_id"):
        _record(data)
        payment_issue_record(kind=PaymentIssue.Kind.UNKNOWN_PAYMENT, reference=out_trade_no or str(data["id"]),
                             detail="a payment for no order of this store", data=resource_summary(resource))
        return "recorded"
    if not _record(data) or payment.status in (Payment.Status.SUCCEEDED, Payment.Status.RETURNED):
        return "duplicate"
    paid_at = parse_datetime(resource.get("success_time") or "") or timezone.now()
    payment.status, payment.transaction_id, payment.received_fen = (
        Payment.Status.SUCCEEDED, resource["transaction_id"], total)
    payment.payer_openid, payment.succeeded_at = resource.get("payer", {}).get("openid", ""), paid_at
    payment.save(update_fields=["status", "transaction_id", "received_fen", "payer_openid", "succeeded_at"])
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    if total != payment.amount_fen or total != order.payable_fen:
        payment_return(payment=payment, order=order, amount_fen=total, kind=PaymentIssue.Kind.AMOUNT_MISMATCH,
                       why=f"paid {total} fen for an order of {order.payable_fen} fen")
        return "returned"
    if order.status != Order.Status.PENDING_PAYMENT:
        payment_return(payment=payment, order=order, amount_fen=total, kind=PaymentIssue.Kind.UNPAYABLE_ORDER,
                       why=f"paid while the order was {order.status}")
        return "returned"
    order_mark_paid(order_id=payment.order_id, paid_fen=total, transaction_id=payment.transaction_id,
                    paid_at=paid_at)
    return "paid"


def payment_notification_keep(*, headers, body: bytes, error: Exception) -> None:
    """A notification whose handling failed unexpectedly: kept (raw, as signed) in the review queue so it
    is never lost; WeChat is asked to deliver it again."""
    digest = hashlib.sha256(body).hexdigest()[:40]
    wanted = ("Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial", "Wechatpay-Signature")
    payment_issue_record(kind=PaymentIssue.Kind.UNPROCESSED, reference=digest,
                         detail=f"{type(error).__name__}: {error}"[:300],
                         data={"headers": {name: _header(headers, name) for name in wanted},
                               "body": body.decode("utf-8", "replace")[:20000]})


@transaction.atomic
def apply_queried_payment(*, payment: Payment, state: dict) -> str:
    """A payment found by querying WeChat Pay (its notification never came), applied like one."""
    return _apply_payment(merchant_get(), {"id": f"query:{state.get('transaction_id', '')}",
                                           "event_type": "TRANSACTION.SUCCESS", "resource": state})
