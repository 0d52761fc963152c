"""The WeChat sandbox on a free port, and each store's mini-program in sandbox mode."""

import pytest
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from sandbox.server import serve
from tenants.members.services import miniprogram_configure


@pytest.fixture(scope="session")
def sandbox_port():
    server, _ = serve(0)
    yield server.server_port
    server.shutdown()


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
