"""The one place that builds the store's WeChat Pay v3 client (wechatpayv3)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _
from wechatpayv3 import WeChatPay, WeChatPayType

from core import crypto
from core.errors import Conflict

from .error_codes import PaymentsCode
from .models import WechatPayMerchant


def merchant_get() -> WechatPayMerchant:
    merchant = WechatPayMerchant.objects.filter(singleton=1).first()
    if merchant is None:
        raise Conflict(_("店铺尚未配置微信支付。"), code=PaymentsCode.WECHATPAY_NOT_CONFIGURED)
    return merchant


def wechatpay_client(merchant: WechatPayMerchant, *, notify_url: str | None = None) -> WeChatPay:
    """In "WeChat Pay public key" mode: responses and notifications are verified with the platform key
    we hold, so the SDK never downloads certificates over the network. One client per configuration and
    process: loading the merchant's RSA key costs tens of milliseconds, more than the call it signs."""
    gateway = settings.WECHATPAY_SANDBOX_BASE if merchant.sandbox else settings.WECHATPAY_API_BASE
    return _client(merchant.mchid, merchant.merchant_private_key_encrypted, merchant.merchant_cert_serial_no,
                   merchant.appid, merchant.apiv3_key_encrypted, notify_url, merchant.platform_public_key,
                   merchant.platform_public_key_id, gateway.rstrip("/"))


@lru_cache(maxsize=256)  # keyed by the encrypted secrets: a store that changes its keys gets a new client
def _client(mchid: str, private_key_encrypted: str, cert_serial_no: str, appid: str, apiv3_key_encrypted: str,
            notify_url: str | None, public_key: str, public_key_id: str, gateway: str) -> WeChatPay:
    keys = settings.FIELD_ENCRYPTION_KEYS
    client = WeChatPay(
        wechatpay_type=WeChatPayType.MINIPROG, mchid=mchid,
        private_key=crypto.decrypt(private_key_encrypted, keys=keys),
        cert_serial_no=cert_serial_no, appid=appid, apiv3_key=crypto.decrypt(apiv3_key_encrypted, keys=keys),
        notify_url=notify_url, public_key=public_key, public_key_id=public_key_id, timeout=(5, 15),
    )
    client._core._gate_way = gateway  # the SDK has no constructor parameter for its API base
    return client
