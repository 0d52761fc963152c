"""The WeChat sandboxes (mini-program API and WeChat Pay) on a free port, stores configured against them,
and a shopper with a pending order."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from sandbox import server as sandbox_server
from sandbox.wechatpay import Merchant, WeChatPaySandbox, new_key_pem
from tenants.catalog.services import SkuInput, product_create
from tenants.members.models import Member
from tenants.members.services import miniprogram_configure
from tenants.payments.services import wechatpay_configure
from tests.factories import AddressFactory


@pytest.fixture
def wechat_sandbox(sandbox_port, settings, store_a, store_b):
    settings.WECHAT_SANDBOX_BASE = f"http://127.0.0.1:{sandbox_port}/wechat/"
    for store in (store_a, store_b):
        with schema_context(store.schema):
            miniprogram_configure(appid=f"wx{store.tenant.slug}sandbox", secret="sandbox-secret", sandbox=True)
    return settings.WECHAT_SANDBOX_BASE


def api(host: str, token: str | None = None) -> APIClient:
    client = APIClient(HTTP_HOST=host)
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def login(host: str, code: str) -> str:
    response = api(host).post("/api/v1/auth/wechat-login/", {"code": code}, format="json")
    assert response.status_code in (200, 201), response.content
    return response.json()["token"]


NOTIFY = "/api/v1/payments/wechatpay/notify/"
PLATFORM_PRIVATE, PLATFORM_PUBLIC = new_key_pem()
MERCHANT_PRIVATE, MERCHANT_PUBLIC = new_key_pem()
APIV3_KEY = "0123456789abcdef0123456789ABCDEF"


def wechatpay_store(schema: str, *, mchid: str, appid: str) -> WeChatPaySandbox:
    """A WeChat Pay sandbox that knows one merchant, and the store ``schema`` configured as that merchant (for
    tests that deliver its signed notifications themselves)."""
    pay = WeChatPaySandbox(platform_private_key_pem=PLATFORM_PRIVATE, platform_key_id="PUB_KEY_ID_SANDBOX")
    pay.merchants[mchid] = Merchant(mchid=mchid, appid=appid, public_key_pem=MERCHANT_PUBLIC,
                                    serial_no="MERCHANTSERIAL01", apiv3_key=APIV3_KEY)
    with schema_context(schema):
        wechatpay_configure(appid=appid, mchid=mchid, private_key_pem=MERCHANT_PRIVATE,
                            cert_serial_no="MERCHANTSERIAL01", apiv3_key=APIV3_KEY,
                            platform_public_key_pem=PLATFORM_PUBLIC, platform_public_key_id="PUB_KEY_ID_SANDBOX",
                            sandbox=True)
    return pay


@pytest.fixture
def gateway(sandbox_port, settings, store_a, wechat_sandbox, monkeypatch):
    pay = wechatpay_store(store_a.schema, mchid="1900000109", appid="wxalphasandbox")
    monkeypatch.setitem(sandbox_server.APPS, "/wechatpay", pay)
    settings.WECHATPAY_SANDBOX_BASE = f"http://127.0.0.1:{sandbox_port}/wechatpay"
    return pay


@pytest.fixture
def pending_order(gateway, store_a):
    token = login(store_a.host, "sandbox-payer")
    with schema_context(store_a.schema):
        address = AddressFactory(member=Member.objects.get())
        sku = product_create(title="护手霜", publish=True,
                             skus=[SkuInput(price_fen=3900, stock=9)]).skus.get()
    connection.set_schema_to_public()
    client = api(store_a.host, token)
    response = client.post("/api/v1/orders/", {"address_id": address.pk, "items": [{"sku_id": sku.pk, "quantity": 2}]},
                           format="json", HTTP_IDEMPOTENCY_KEY="pay-order-000001")
    assert response.status_code == 201, response.content
    return client, response.json()["number"]


def post_notification(client, headers: dict, body: str):
    meta = {"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items()}
    return client.generic("POST", NOTIFY, body.encode(), content_type="application/json", **meta)
