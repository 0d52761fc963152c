"""What the shop API answers with: JSON whatever the client accepts (the schema still offers YAML or JSON),
written byte for byte as DRF writes it."""

from django.test import Client


def test_a_json_only_endpoint_answers_json_to_any_accept_header(store_a):
    response = Client(HTTP_HOST=store_a.host).get("/api/v1/catalog/products/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["results"] == []


def test_the_schema_is_still_negotiated(store_a):
    client = Client(HTTP_HOST=store_a.host)
    assert client.get("/api/schema/", {"format": "json"}).headers["Content-Type"].startswith(
        "application/vnd.oai.openapi+json")
    assert client.get("/api/schema/").headers["Content-Type"].startswith("application/vnd.oai.openapi")


def test_the_product_list_writes_exactly_what_drfs_renderer_would(store_a):
    from django_tenants.utils import schema_context
    from rest_framework.renderers import JSONRenderer

    from tenants.catalog.services import SkuInput, product_create

    with schema_context(store_a.schema):
        product = product_create(title="面霜\u2028新品", subtitle='"限量" 50ml', publish=True,
                                 skus=[SkuInput(price_fen=19900, stock=5)])
    response = Client(HTTP_HOST=store_a.host).get("/api/v1/catalog/products/")
    expected = {"page": 1, "next": None, "results": [{
        "id": product.pk, "title": "面霜\u2028新品", "subtitle": '"限量" 50ml', "min_price_fen": 19900,
        "sales_count": 0, "image": ""}]}
    assert response.content == JSONRenderer().render(expected)
    assert response.headers["Content-Type"] == "application/json"
