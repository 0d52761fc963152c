"""The same payment notification delivered 100 times at once: one payment, one state change, every reply a
success. Real commits and real threads, in a store made for this test and dropped afterwards."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from sandbox.wechatpay import Transaction
from tenants.catalog.services import SkuInput, product_create
from tenants.members.models import Member
from tenants.orders.models import Order, OrderEvent, ShippingTemplate
from tenants.orders.services import order_create
from tenants.payments.models import Notification, Payment
from tests.conftest import store_for_real
from tests.factories import AddressFactory
from tests.shop_api.conftest import wechatpay_store

DELIVERIES = 100


@pytest.fixture
def committed_store(django_db_blocker):
    with django_db_blocker.unblock(), store_for_real("stampede", "Stampede") as tenant:
        yield tenant

def test_hundred_concurrent_deliveries_settle_the_order_once(committed_store):
    gateway = wechatpay_store(committed_store.schema_name, mchid="1900000777", appid="wxstampede")
    with schema_context(committed_store.schema_name):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        address = AddressFactory(member=Member.objects.create(openid="o-stampede"))
        sku = product_create(title="限量礼盒", publish=True, skus=[SkuInput(price_fen=8800, stock=3)]
                             ).skus.get()
        order, _ = order_create(member=address.member, idempotency_key="stampede-000001", address_id=address.pk,
                                items=[{"sku_id": sku.pk, "quantity": 1}])
        Payment.objects.create(order=order, out_trade_no=order.number, amount_fen=order.payable_fen, prepay_id="wx1")
    connection.set_schema_to_public()
    gateway.transactions[order.number] = Transaction(
        out_trade_no=order.number, mchid="1900000777", appid="wxstampede", total_fen=8800, openid="o-stampede",
        notify_url="http://stampede.localhost/api/v1/payments/wechatpay/notify/")
    gateway.pay(order.number)
    headers, body = gateway.notification(order.number)
    meta = {"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items()}

    def deliver(_: int) -> int:
        try:
            return Client(HTTP_HOST="stampede.localhost").generic(
                "POST", "/api/v1/payments/wechatpay/notify/", body.encode(), content_type="application/json",
                **meta).status_code
        finally:
            connections.close_all()

    started = timezone.now()
    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(deliver, range(DELIVERIES)))
    assert replies == [204] * DELIVERIES
    with schema_context(committed_store.schema_name):
        assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
        assert OrderEvent.objects.filter(order_id=order.pk, kind="paid").count() == 1
        assert Payment.objects.filter(status=Payment.Status.SUCCEEDED).count() == 1
        assert Notification.objects.count() == 1
    assert (timezone.now() - started).total_seconds() < 60
