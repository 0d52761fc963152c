"""After-sales over HTTP from end to end: pay through the sandbox, the merchant ships from the console,
tracking, receipt, a photo upload, a return-and-refund with the shopper's return shipment and the signed
refund notification; and an exchange whose replacement the merchant ships."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from PIL import Image

from tenants.catalog.models import Sku
from tenants.orders.models import AfterSale, Order
from tenants.payments.models import Refund
from tenants.payments.refunds import refund_execute
from tests.conftest import console_login
from tests.shop_api.conftest import api, login, post_notification


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "orange").save(buffer, "JPEG")
    return SimpleUploadedFile("broken.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def received(pending_order, gateway, store_a):
    """The order paid through the sandbox, shipped from the console, tracked and received by the shopper."""
    client, number = pending_order
    client.post("/api/v1/payments/wechatpay/prepare/", {"order_number": number}, format="json")
    gateway.pay(number)
    assert post_notification(api(store_a.host), *gateway.notification(number)).status_code == 204
    merchant = Client(HTTP_HOST=store_a.host)
    console_login(merchant, store_a.owner_login)
    shipped = merchant.post(f"/console/orders/{number}/", {"action": "ship", "carrier_code": "SF",
                                                           "tracking_no": "SF1000000001"})
    assert shipped.status_code == 302
    connection.set_schema_to_public()
    detail = client.get(f"/api/v1/orders/{number}/").json()
    assert detail["status"] == "shipped" and detail["shipments"][0]["tracking_no"] == "SF1000000001"
    assert client.post(f"/api/v1/orders/{number}/confirm-receipt/").json()["status"] == "received"
    return client, merchant, number, detail["lines"][0]


def stock_of(store, line) -> int:
    connection.set_schema_to_public()
    with schema_context(store.schema):
        return Sku.objects.get(pk=line["sku_id"]).stock


def test_return_and_refund_over_http(received, gateway, store_a):
    client, merchant, number, line = received
    uploaded = client.post("/api/v1/after-sales/photos/", {"photo": photo()}, format="multipart")
    assert uploaded.status_code == 201
    url = uploaded.json()["url"]
    assert url.startswith("/media/t_alpha/aftersales/") and client.get(url).status_code == 200
    request = client.post(f"/api/v1/orders/{number}/after-sales/", {
        "kind": "return_refund", "lines": [{"line_id": line["id"], "quantity": 1}], "reason": "外盖破损",
        "description": "收到时已经压坏", "photos": [url]}, format="json")
    assert request.status_code == 201, request.content
    after_sale = request.json()
    assert (after_sale["status"], after_sale["refund_fen"], after_sale["photos"]) == ("requested", 3900, [url])
    stock_before = stock_of(store_a, line)

    with schema_context(store_a.schema):
        pk = AfterSale.objects.get(number=after_sale["number"]).pk
    connection.set_schema_to_public()
    assert merchant.post(f"/console/orders/{number}/", {"action": "approve", "after_sale_id": pk}).status_code == 302
    connection.set_schema_to_public()
    shipped_back = client.post(f"/api/v1/after-sales/{after_sale['number']}/return-shipment/",
                               {"carrier_code": "YTO", "tracking_no": "YT2000000002"}, format="json")
    assert shipped_back.json()["status"] == "return_shipped"
    assert merchant.post(f"/console/orders/{number}/", {"action": "received", "after_sale_id": pk}).status_code == 302
    assert stock_of(store_a, line) == stock_before + 1  # the returned unit is back in stock

    with schema_context(store_a.schema):
        refund = Refund.objects.get(out_refund_no=after_sale["number"])
        assert (refund.amount_fen, refund_execute(refund.pk)) == (3900, "processing")
    connection.set_schema_to_public()
    assert post_notification(api(store_a.host), *gateway.refund_notification(after_sale["number"])).status_code == 204
    done = client.get(f"/api/v1/after-sales/{after_sale['number']}/").json()
    assert done["status"] == "refunded"
    order = client.get(f"/api/v1/orders/{number}/").json()
    assert order["refunded_fen"] == 3900 and order["lines"][0]["paid_fen"] == 7800


def test_exchange_over_http(received, store_a):
    client, merchant, number, line = received
    request = client.post(f"/api/v1/orders/{number}/after-sales/", {
        "kind": "exchange", "lines": [{"line_id": line["id"], "quantity": 1}], "reason": "想换一支"}, format="json")
    after_sale = request.json()
    assert (request.status_code, after_sale["refund_fen"]) == (201, 0)
    with schema_context(store_a.schema):
        pk = AfterSale.objects.get(number=after_sale["number"]).pk
    connection.set_schema_to_public()
    merchant.post(f"/console/orders/{number}/", {"action": "approve", "after_sale_id": pk})
    connection.set_schema_to_public()
    client.post(f"/api/v1/after-sales/{after_sale['number']}/return-shipment/",
                {"carrier_code": "ZTO", "tracking_no": "ZT3000000003"}, format="json")
    merchant.post(f"/console/orders/{number}/", {"action": "received", "after_sale_id": pk})
    stock_after_return = stock_of(store_a, line)
    assert client.get(f"/api/v1/after-sales/{after_sale['number']}/").json()["status"] == "awaiting_exchange"
    page = merchant.get(f"/console/orders/{number}/").content.decode()
    assert "exchange-form" in page
    bad = merchant.post(f"/console/orders/{number}/", {"action": "exchange_ship", "after_sale_id": pk,
                                                       "carrier_code": "NOPE", "tracking_no": "X"})
    assert bad.status_code == 400
    merchant.post(f"/console/orders/{number}/", {"action": "exchange_ship", "after_sale_id": pk,
                                                 "carrier_code": "SF", "tracking_no": "SF4000000004"})
    connection.set_schema_to_public()
    final = client.get(f"/api/v1/after-sales/{after_sale['number']}/").json()
    assert (final["status"], final["exchange_carrier_code"], final["exchange_tracking_no"]) == (
        "exchange_shipped", "SF", "SF4000000004")
    assert stock_of(store_a, line) == stock_after_return - 1  # the replacement left the warehouse
    with schema_context(store_a.schema):
        assert Order.objects.get(number=number).refunded_fen == 0


def test_bad_after_sale_requests_are_clear_and_private(received, store_a, store_b):
    client, _merchant, number, line = received
    not_image = client.post("/api/v1/after-sales/photos/", {
        "photo": SimpleUploadedFile("x.jpg", b"GIF89a not really", content_type="image/jpeg")}, format="multipart")
    assert not_image.status_code == 400 and "photo" in not_image.json()["fields"]
    foreign = client.post(f"/api/v1/orders/{number}/after-sales/", {
        "kind": "refund_only", "lines": [{"line_id": line["id"], "quantity": 1}], "reason": "x",
        "photos": ["https://evil.example/a.jpg"]}, format="json")
    assert foreign.status_code == 400 and "photos" in foreign.json()["fields"]
    too_many = client.post(f"/api/v1/orders/{number}/after-sales/", {
        "kind": "refund_only", "lines": [{"line_id": line["id"], "quantity": 3}], "reason": "x"}, format="json")
    assert too_many.status_code == 400 and "lines" in too_many.json()["fields"]
    created = client.post(f"/api/v1/orders/{number}/after-sales/", {
        "kind": "refund_only", "lines": [{"line_id": line["id"], "quantity": 1}], "reason": "不想要了"},
        format="json").json()
    stranger = api(store_a.host, login(store_a.host, "another-shopper"))
    assert stranger.get(f"/api/v1/after-sales/{created['number']}/").status_code == 404
    assert stranger.post(f"/api/v1/orders/{number}/after-sales/", {
        "kind": "refund_only", "lines": [{"line_id": line["id"], "quantity": 1}], "reason": "x"},
        format="json").status_code == 404
    cancelled = client.post(f"/api/v1/after-sales/{created['number']}/cancel/")
    assert cancelled.json()["status"] == "cancelled"
    assert client.post(f"/api/v1/after-sales/{created['number']}/cancel/").status_code == 409
    assert [a["number"] for a in client.get("/api/v1/after-sales/").json()["results"]] == [created["number"]]


def test_the_merchant_refunds_on_their_own(received, gateway, store_a):
    client, merchant, number, line = received
    refused = merchant.post(f"/console/orders/{number}/", {"action": "refund", f"refund-{line['id']}": "5",
                                                           "refund_reason": "缺货"})
    assert refused.status_code == 400 and 'data-field="lines"' in refused.content.decode()
    refunded = merchant.post(f"/console/orders/{number}/", {"action": "refund", f"refund-{line['id']}": "1",
                                                            "refund_reason": "缺货补偿"})
    assert refunded.status_code == 302
    with schema_context(store_a.schema):
        after_sale = AfterSale.objects.get(order__number=number)
        assert (after_sale.kind, after_sale.status, after_sale.refund_fen) == ("refund_only", "refunding", 3900)
        refund = Refund.objects.get(out_refund_no=after_sale.number)
        refund_execute(refund.pk)
    connection.set_schema_to_public()
    assert post_notification(api(store_a.host), *gateway.refund_notification(after_sale.number)).status_code == 204
    assert client.get(f"/api/v1/orders/{number}/").json()["refunded_fen"] == 3900
