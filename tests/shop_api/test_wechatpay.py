"""WeChat Pay v3 against the sandbox gateway: real wechatpayv3 signing and verification on both sides."""

from __future__ import annotations

import json
import time
from unittest import mock

import pytest
from django_tenants.utils import schema_context

from tenants.orders.models import Order, OrderEvent
from tenants.payments.models import Payment
from tenants.payments.services import wechatpay_configure
from tests.shop_api.conftest import (
    APIV3_KEY,
    MERCHANT_PRIVATE,
    PLATFORM_PUBLIC,
    api,
    post_notification,
)


def _order(store, number) -> Order:
    with schema_context(store.schema):
        return Order.objects.get(number=number)


def test_prepare_then_signed_notification_pays_the_order_once(pending_order, gateway, store_a):
    client, number = pending_order
    prepared = client.post("/api/v1/payments/wechatpay/prepare/", {"order_number": number}, format="json")
    assert prepared.status_code == 200, prepared.content
    params = prepared.json()
    assert params["package"].startswith("prepay_id=wx") and params["signType"] == "RSA" and params["paySign"]
    again = client.post("/api/v1/payments/wechatpay/prepare/", {"order_number": number}, format="json").json()
    assert again["package"] == params["package"]  # the prepay is reused, not re-created
    assert gateway.transactions[number].total_fen == 7800

    gateway.pay(number)
    headers, body = gateway.notification(number)
    assert post_notification(api(store_a.host), headers, body).status_code == 204
    assert post_notification(api(store_a.host), headers, body).status_code == 204  # a redelivery
    order = _order(store_a, number)
    assert (order.status, order.paid_fen) == ("paid", 7800)
    with schema_context(store_a.schema):
        assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1
        assert Payment.objects.get(out_trade_no=number).transaction_id == gateway.transactions[number].transaction_id


def test_forged_stale_and_unknown_key_notifications_change_nothing(pending_order, gateway, store_a):
    client, number = pending_order
    client.post("/api/v1/payments/wechatpay/prepare/", {"order_number": number}, format="json")
    gateway.pay(number)
    headers, body = gateway.notification(number)
    shop = api(store_a.host)

    tampered = body.replace('"summary": "支付成功"', '"summary": "x"')
    assert post_notification(shop, headers, tampered).status_code == 401
    forged = {**headers, "Wechatpay-Signature": headers["Wechatpay-Signature"][::-1]}
    assert post_notification(shop, forged, body).status_code in (400, 401)
    old_headers, old_body = gateway.notification(number, timestamp=int(time.time()) - 600)
    stale = post_notification(shop, old_headers, old_body)
    assert stale.status_code == 400 and json.loads(stale.content)["code"] == "FAIL"
    with mock.patch("requests.get", side_effect=AssertionError("no network calls")) as network:
        unknown = post_notification(shop, {**headers, "Wechatpay-Serial": "PUB_KEY_ID_OTHER"}, body)
    assert unknown.status_code == 400 and not network.called
    assert _order(store_a, number).status == "pending_payment"


def test_amount_mismatch_pays_nothing_and_goes_back(pending_order, gateway, store_a):
    """A genuine notification of another amount cannot pay the order; the money taken goes back in full."""
    from tenants.payments.models import PaymentIssue, Refund

    client, number = pending_order
    client.post("/api/v1/payments/wechatpay/prepare/", {"order_number": number}, format="json")
    gateway.pay(number)
    gateway.transactions[number].total_fen = 1
    headers, body = gateway.notification(number)
    assert post_notification(api(store_a.host), headers, body).status_code == 204
    assert _order(store_a, number).status == "pending_payment"
    with schema_context(store_a.schema):
        assert Refund.objects.values_list("out_refund_no", "amount_fen").get() == (f"{number}-R", 1)
        assert PaymentIssue.objects.values_list("kind", flat=True).get() == "amount_mismatch"


def test_another_stores_host_refuses_the_notification(pending_order, gateway, store_a, store_b):
    client, number = pending_order
    client.post("/api/v1/payments/wechatpay/prepare/", {"order_number": number}, format="json")
    gateway.pay(number)
    headers, body = gateway.notification(number)
    assert post_notification(api(store_b.host), headers, body).status_code == 404  # bravo has no merchant set up
    assert _order(store_a, number).status == "pending_payment"


def test_bad_credentials_are_field_errors_and_secrets_are_encrypted(store_a):
    from core.errors import ValidationFailed
    from tenants.payments.models import WechatPayMerchant

    with schema_context(store_a.schema):
        with pytest.raises(ValidationFailed) as exc:
            wechatpay_configure(appid="wx", mchid="1", private_key_pem="nope", cert_serial_no="S", apiv3_key="short",
                                platform_public_key_pem="nope", platform_public_key_id="K")
        assert set(exc.value.fields) == {"private_key_pem", "apiv3_key", "platform_public_key_pem"}
        wechatpay_configure(appid="wx", mchid="1", private_key_pem=MERCHANT_PRIVATE, cert_serial_no="S",
                            apiv3_key=APIV3_KEY, platform_public_key_pem=PLATFORM_PUBLIC, platform_public_key_id="K")
        stored = WechatPayMerchant.objects.get()
        assert "PRIVATE KEY" not in stored.merchant_private_key_encrypted
        assert APIV3_KEY not in stored.apiv3_key_encrypted
