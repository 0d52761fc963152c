"""The shop API's OpenAPI schema: generated without a guess or a collision, every operation summarised with
its success body and the ``Error`` body on its refusals (naming the codes it may answer with), and a shopper's
bearer token on the operations that take one."""

from __future__ import annotations

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


def _schema() -> dict:
    return SchemaGenerator(urlconf="shop_api.urls_schema").get_schema(request=None, public=True)


def test_every_operation_documents_its_bodies_and_refusals():
    GENERATOR_STATS.reset()
    schema = _schema()
    assert not GENERATOR_STATS, "drf-spectacular guessed or found collisions: see its warnings above"
    operations = [(path, method, operation) for path, item in schema["paths"].items()
                  for method, operation in item.items()]
    assert len(operations) >= 40
    error = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in operations:
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        successes = {code: response for code, response in operation["responses"].items() if code[0] == "2"}
        assert successes, where
        for code, response in successes.items():
            assert code == "204" or response.get("content"), f"{where} {code} has no body documented"
        for code, response in operation["responses"].items():
            if code[0] == "4":
                assert response["content"]["application/json"]["schema"] == error, f"{where} {code}"
    withdraw = schema["paths"]["/api/v1/distribution/withdrawals/"]["post"]
    assert "idempotency_key_reused" in withdraw["responses"]["409"]["description"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" and p["required"]
               for p in withdraw["parameters"])
    assert withdraw["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WithdrawInput"}


def test_the_shoppers_token_is_documented_as_a_bearer_scheme():
    schema = _schema()
    assert schema["components"]["securitySchemes"]["memberToken"] == {"type": "http", "scheme": "bearer"}
    orders = schema["paths"]["/api/v1/orders/"]["get"]
    assert {"memberToken": []} in orders["security"]
    assert "security" not in schema["paths"]["/api/v1/auth/sms-login/"]["post"]  # logging in takes no token
