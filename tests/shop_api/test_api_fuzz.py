"""Schemathesis over the whole shop API, as its OpenAPI schema documents it, with a signed-in distributor's
token and a store that has a product, an address, an order and a commission: for generated requests (valid
and not), never a server error, and every answer conforms to the schema — its status code documented, its
body the documented one (the ``Error`` body for refusals), its content type the documented one."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tenants.catalog.services import SkuInput, product_create
from tenants.distribution.models import DistributionSettings
from tenants.members.tokens import member_token_issue
from tenants.orders.models import ShippingTemplate
from tenants.orders.services import order_create
from tests.factories import AddressFactory
from tests.tenants.distribution.builders import make_distributor

EXAMPLES = 12  # per operation: bounded, so the whole API is fuzzed in seconds

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _in_test_transaction(environ, start_response):
    """Django's WSGI handler without closing the database connection after each request (as Django's test
    client does): the requests run in the test's transaction, so what they write is rolled back."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        return WSGIHandler()(environ, start_response)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(store_a, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "anon": "100000/min", "user": "100000/min", "login": "100000/min"}}
    with schema_context(store_a.schema):
        DistributionSettings.objects.update_or_create(singleton=1, defaults={"enabled": True})
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        distributor = make_distributor()
        sku = product_create(title="玫瑰精油", publish=True, skus=[SkuInput(price_fen=8800, stock=50)]).skus.get()
        address = AddressFactory(member=distributor.member)
        order_create(member=distributor.member, idempotency_key="fuzz-order-1", address_id=address.pk,
                     items=[{"sku_id": sku.pk, "quantity": 1}])
        token = member_token_issue(member=distributor.member)
    connection.set_schema_to_public()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", _in_test_transaction, headers={"Host": store_a.host})
    schema.config.headers = {"Host": store_a.host, "Authorization": f"Bearer {token}"}
    return schema


def test_the_shop_api_never_fails_and_answers_as_documented(api_schema):
    failures = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                             phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def fuzz(case):
            case.call_and_validate(checks=CHECKS)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as failure:  # every operation's failure, not just the first one's
            failures[operation.label] = str(failure)[:2000]
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
    assert len(list(api_schema.get_all_operations())) >= 40  # the whole API was fuzzed
