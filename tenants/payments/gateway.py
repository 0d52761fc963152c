"""The one place that builds the store's WeChat Pay v3 client (wechatpayv3)."""

from __future__ import annotations

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
    we hold, so the SDK never downloads certificates over the network."""
    keys = settings.FIELD_ENCRYPTION_KEYS
    client = WeChatPay(
        wechatpay_type=WeChatPayType.MINIPROG, mchid=merchant.mchid,
        private_key=crypto.decrypt(merchant.merchant_private_key_encrypted, keys=keys),
        cert_serial_no=merchant.merchant_cert_serial_no, appid=merchant.appid,
        apiv3_key=crypto.decrypt(merchant.apiv3_key_encrypted, keys=keys), notify_url=notify_url,
        public_key=merchant.platform_public_key, public_key_id=merchant.platform_public_key_id, timeout=(5, 15),
    )
    # The SDK has no constructor parameter for its API base.
    client._core._gate_way = (settings.WECHATPAY_SANDBOX_BASE if merchant.sandbox
                              else settings.WECHATPAY_API_BASE).rstrip("/")
    return client
