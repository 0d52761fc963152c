"""Profile, phone binding through the sandbox, favourites, browsing history, cart edits, brand/tag filters."""

from django.db import connection
from django_tenants.utils import schema_context

from tenants.catalog.models import Brand
from tenants.catalog.services import SkuInput, product_create
from tests.shop_api.conftest import api, login


def test_profile_phone_favourites_history_and_cart(wechat_sandbox, store_a, store_b):
    with schema_context(store_a.schema):
        cream = product_create(title="修护面霜", tags=["修护"], publish=True,
                               skus=[SkuInput(price_fen=15900, stock=5)])
        oil = product_create(title="卸妆油", tags=["清洁"], publish=True,
                             skus=[SkuInput(price_fen=8900, stock=5)])
        brand = Brand.objects.create(name="小雨")
        oil.brand = brand
        oil.save(update_fields=["brand"])
        sku_id = cream.skus.get().pk
    connection.set_schema_to_public()
    client = api(store_a.host, login(store_a.host, "sandbox-profile"))

    assert client.patch("/api/v1/me/", {"nickname": "小雨"}, format="json").json()["nickname"] == "小雨"
    bad = client.patch("/api/v1/me/", {"avatar_url": "javascript:alert(1)"}, format="json")
    assert bad.status_code == 400 and "avatar_url" in bad.json()["fields"]
    assert client.post("/api/v1/me/phone/", {"code": "phone-code-1"}, format="json").json()["phone_bound"] is True

    assert client.put(f"/api/v1/me/favourites/{cream.pk}/").status_code == 204
    assert client.put(f"/api/v1/me/favourites/{cream.pk}/").status_code == 204  # idempotent
    assert [f["product_id"] for f in client.get("/api/v1/me/favourites/").json()] == [cream.pk]
    assert client.delete(f"/api/v1/me/favourites/{cream.pk}/").status_code == 204
    assert client.get("/api/v1/me/favourites/").json() == []

    client.get(f"/api/v1/catalog/products/{oil.pk}/")
    client.get(f"/api/v1/catalog/products/{cream.pk}/")
    assert [h["product_id"] for h in client.get("/api/v1/me/history/").json()] == [cream.pk, oil.pk]

    item = client.post("/api/v1/cart/", {"sku_id": sku_id, "quantity": 1}, format="json").json()
    assert client.patch(f"/api/v1/cart/{item['id']}/", {"quantity": 3}, format="json").json()["quantity"] == 3
    assert client.patch(f"/api/v1/cart/{item['id']}/", {"quantity": 0}, format="json").status_code == 400
    other = api(store_b.host, login(store_b.host, "sandbox-profile"))
    assert other.patch(f"/api/v1/cart/{item['id']}/", {"quantity": 1}, format="json").status_code == 404
    assert client.delete(f"/api/v1/cart/{item['id']}/").status_code == 204
    assert client.get("/api/v1/cart/").json() == []

    listing = api(store_a.host)
    assert [p["title"] for p in listing.get("/api/v1/catalog/products/", {"brand_id": brand.pk}).json()["results"]] \
        == ["卸妆油"]
    assert [p["title"] for p in listing.get("/api/v1/catalog/products/", {"tag": "修护"}).json()["results"]] \
        == ["修护面霜"]
