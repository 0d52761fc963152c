""""First order" is decided once per buyer: N orders of one buyer paid at the same moment, their notifications
delivered concurrently (and out of order), give exactly one first-order commission. Real commits, real
threads, real signed notifications, in a store made for this test."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from sandbox.wechatpay import Transaction
from tenants.catalog.services import SkuInput, product_create
from tenants.distribution.models import Binding, Commission, DistributionSettings
from tenants.members.models import Member
from tenants.orders.models import Order, ShippingTemplate
from tenants.orders.services import order_create
from tenants.payments.models import Payment
from tests.conftest import store_for_real
from tests.factories import AddressFactory
from tests.shop_api.conftest import wechatpay_store
from tests.tenants.distribution.builders import make_distributor, publish_rates

ORDERS = 6


@pytest.fixture
def committed_store(django_db_blocker):
    with django_db_blocker.unblock(), store_for_real("firstrace", "First race") as tenant:
        yield tenant


def _deliver(host: str, notification: tuple[dict, str]) -> int:
    headers, body = notification
    meta = {"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items()}
    try:
        return Client(HTTP_HOST=host).generic("POST", "/api/v1/payments/wechatpay/notify/", body.encode(),
                                              content_type="application/json", **meta).status_code
    finally:
        connections.close_all()


def _pay_all_at_once(store, *, buyers: list[str], device_id: str = "", **settings) -> list[str]:
    """One order per entry of ``buyers`` (openids, repeated for several orders of one buyer), each bound
    to one distributor; all paid in the same second; every notification delivered twice, shuffled, at once."""
    gateway = wechatpay_store(store.schema_name, mchid="1900000888", appid="wxfirstrace")
    with schema_context(store.schema_name):
        DistributionSettings.objects.update_or_create(singleton=1, defaults={"enabled": True, **settings})
        publish_rates(rates={1: (2000, 1000)})
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        distributor = make_distributor()
        sku = product_create(title="面霜", publish=True, skus=[SkuInput(price_fen=10000, stock=50)]
                             ).skus.get()
        orders = []
        for n, openid in enumerate(buyers):
            buyer, created = Member.objects.get_or_create(openid=openid)
            if created:
                Binding.objects.create(member=buyer, distributor=distributor, source="link", bound_at=timezone.now())
                AddressFactory(member=buyer)
            order, _ = order_create(member=buyer, idempotency_key=f"first-race-{n:04d}", device_id=device_id,
                                    address_id=buyer.addresses.get().pk, items=[{"sku_id": sku.pk, "quantity": 1}])
            Payment.objects.create(order=order, out_trade_no=order.number, amount_fen=order.payable_fen,
                                   prepay_id=f"wx{n}")
            orders.append((order.number, openid))
    connection.set_schema_to_public()
    for number, openid in orders:
        gateway.transactions[number] = Transaction(out_trade_no=number, mchid="1900000888", appid="wxfirstrace",
                                                   total_fen=10000, openid=openid, notify_url="")
        gateway.pay(number)
    deliveries = [gateway.notification(number) for number, _ in orders] * 2
    random.Random(7).shuffle(deliveries)
    with ThreadPoolExecutor(max_workers=len(deliveries)) as pool:
        replies = list(pool.map(lambda n: _deliver(f"{store.slug}.localhost", n), deliveries))
    assert replies == [204] * len(deliveries)
    return [number for number, _ in orders]


def test_concurrent_payments_of_one_buyer_earn_one_first_order_commission(committed_store):
    _pay_all_at_once(committed_store, buyers=["o-firstrace"] * ORDERS)
    with schema_context(committed_store.schema_name):
        assert sorted(Order.objects.values_list("member_paid_seq", flat=True)) == list(range(1, ORDERS + 1))
        commissions = list(Commission.objects.values_list("is_first_order", "amount_fen"))
        assert len(commissions) == ORDERS
        assert sorted(commissions) == [(False, 1000)] * (ORDERS - 1) + [(True, 2000)]


def test_buyers_sharing_a_phone_paying_at_once_earn_one_commission(committed_store):
    """With "first order per device only" on, four buyers on one phone paying together: one earns."""
    _pay_all_at_once(committed_store, buyers=["o-a", "o-b", "o-c", "o-d"], device_id="phone-1",
                     first_order_per_device_only=True)
    with schema_context(committed_store.schema_name):
        assert Commission.objects.count() == 1
        assert Order.objects.filter(status="paid").count() == 4


def test_notifications_out_of_order_decide_first_order_once(pending_order, gateway, store_a):
    """The later payment's notification arrives first: it is the buyer's first paid order, the earlier one
    (notified second) is a repeat — never both first."""
    from tests.shop_api.conftest import api, post_notification

    client, first_number = pending_order
    with schema_context(store_a.schema):
        DistributionSettings.objects.update_or_create(singleton=1, defaults={"enabled": True})
        publish_rates(rates={1: (2000, 1000)})
        buyer = Member.objects.get()
        Binding.objects.create(member=buyer, distributor=make_distributor(), source="link", bound_at=timezone.now())
        address_id = buyer.addresses.get().pk
        sku_id = Order.objects.get(number=first_number).lines.get().sku_id
    connection.set_schema_to_public()
    second = client.post("/api/v1/orders/", {"address_id": address_id, "items": [{"sku_id": sku_id, "quantity": 1}]},
                         format="json", HTTP_IDEMPOTENCY_KEY="pay-order-000002").json()["number"]
    for number in (first_number, second):
        assert client.post("/api/v1/payments/wechatpay/prepare/", {"order_number": number},
                           format="json").status_code == 200
        gateway.pay(number)
    assert post_notification(api(store_a.host), *gateway.notification(second)).status_code == 204
    assert post_notification(api(store_a.host), *gateway.notification(first_number)).status_code == 204
    with schema_context(store_a.schema):
        by_order = dict(Commission.objects.values_list("order_number", "is_first_order"))
    assert by_order == {second: True, first_number: False}
