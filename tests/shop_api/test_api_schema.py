"""The shop API's OpenAPI schema says how a shopper authenticates: a bearer token, on the operations that
take one."""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator


def test_the_shoppers_token_is_documented_as_a_bearer_scheme():
    schema = SchemaGenerator(urlconf="shop_api.urls_schema").get_schema(request=None, public=True)
    assert schema["components"]["securitySchemes"]["memberToken"] == {"type": "http", "scheme": "bearer"}
    orders = schema["paths"]["/api/v1/orders/"]["get"]
    assert {"memberToken": []} in orders["security"]
