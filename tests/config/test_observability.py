"""Sentry: initialised only with a DSN, events tagged with the store's schema and free of personal data;
log lines carry the schema."""

import gzip
import json
import logging

import pytest
import sentry_sdk
from django.db import connection
from django.test import Client
from django_tenants.log import TenantContextFilter
from django_tenants.utils import schema_context

from config.observability import init_sentry, scrub_event, tag_task_tenant


def _events(httpserver) -> list[dict]:
    events = []
    for request, _ in httpserver.log:
        body = request.get_data()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        for line in body.splitlines():
            item = json.loads(line)
            if isinstance(item, dict) and item.get("level") == "error":
                events.append(item)
    return events


@pytest.fixture
def sentry_server(httpserver):
    httpserver.expect_request("/api/1/envelope/").respond_with_data("{}")
    assert init_sentry(dsn=f"http://public@127.0.0.1:{httpserver.port}/1", environment="test",
                       traces_sample_rate=0.0)
    yield httpserver
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # back to a client without a DSN: nothing is sent by later tests


def test_no_dsn_no_sentry():
    assert init_sentry(dsn="", environment="test", traces_sample_rate=0.0) is False


@pytest.mark.urls("tests.config.urls_boom")
def test_request_errors_are_tagged_with_the_store_and_scrubbed(store_a, sentry_server):
    client = Client(HTTP_HOST=store_a.host, raise_request_exception=False)
    response = client.post("/boom/?o=o-secret-openid", {"email": "ann@alpha.test", "phone": "13800138000", "qty": "2"})
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    events = _events(sentry_server)
    assert events, "no event reached the fake Sentry"
    event = events[-1]
    assert event["tags"]["tenant"] == store_a.schema
    raw = json.dumps(event, ensure_ascii=False)
    for secret in ("ann@alpha.test", "13800138000", "o-secret-openid"):
        assert secret not in raw
    assert "kaboom" in raw


def test_scrubber_removes_personal_data_everywhere():
    event = {"extra": {"member": {"openid": "o1", "phone": "138", "nickname_len": 3}},
             "user": {"id": 7, "email": "x@y.z", "username": "x"},
             "breadcrumbs": {"values": [{"data": {"name": "张三"}}]}}
    scrubbed = scrub_event(event)
    assert scrubbed["extra"]["member"] == {"openid": "[scrubbed]", "phone": "[scrubbed]", "nickname_len": 3}
    assert scrubbed["user"] == {"id": 7}
    assert scrubbed["breadcrumbs"]["values"][0]["data"]["name"] == "[scrubbed]"


def test_celery_tasks_are_tagged_with_their_schema(store_b, monkeypatch):
    tags = {}
    monkeypatch.setattr(sentry_sdk, "set_tag", lambda key, value: tags.__setitem__(key, value))
    with schema_context(store_b.schema):
        tag_task_tenant(task=None)
    assert tags == {"tenant": store_b.schema}


def test_log_lines_carry_the_schema(store_a):
    from config.settings import base

    assert "%(schema_name)s" in base.LOGGING["formatters"]["tenant"]["format"]
    assert base.LOGGING["handlers"]["console"]["filters"] == ["tenant"]
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    with schema_context(store_a.schema):
        TenantContextFilter().filter(record)
    assert record.schema_name == store_a.schema
    assert connection.schema_name == "public"


# Every string-like field of our models that holds neither personal data nor a secret. A field not here and
# not in PERSONAL_KEYS fails the test below: each new field is classified once, on purpose.
NOT_PERSONAL = {
    "action", "appid", "application_fields", "auto_issue", "barcode", "billing_reason", "binding_mode", "cancel_reason",
    "channel",
    "carrier_code", "cover_image", "currency", "data", "domain", "event_id", "event_type", "exception", "expiry",
    "rule", "rules", "blocked_reason",
    "exchange_carrier_code", "failure_reason", "fingerprint", "from_status", "frozen_reason", "h5_url", "hosted_url",
    "icon",
    "idempotency_key", "image", "industry", "interval", "inviter_code", "kind", "layout", "lines", "location",
    "logo", "mchid", "memo", "merchant_cert_serial_no", "method", "mode", "name_en", "next_interval", "note",
    "notification_id", "notify_url", "number", "order_number", "out_refund_no", "out_trade_no", "payout_problem",
    "plan_code", "platform_public_key", "platform_public_key_id", "prepay_id", "pricing", "promotion_rules",
    "rate_source", "reason", "recruitment", "reference", "refund_id", "region_code", "region_rules",
    "reject_reason", "resource_type", "return_carrier_code", "role", "scene", "schema_name", "scope", "settlement",
    "slug",
    "source", "spec_key", "spec_text", "spec_values", "specs", "sql", "status", "status_before_suspension",
    "stripe_customer_id", "stripe_id", "stripe_item_id", "stripe_monthly_price_id", "stripe_product_id",
    "stripe_subscription_id", "stripe_yearly_price_id", "subtitle", "suspension_reason", "task_name",
    "template_code", "tenant_slug", "theme", "tiers", "title", "to_status", "transaction_id", "transfer_bill_no",
    "type",
}


def test_every_field_of_our_models_is_classified_personal_or_not():
    from django.apps import apps
    from django.db import models

    from config.observability import PERSONAL_KEYS

    text_like = (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField,
                 models.FileField)
    names = {field.name for model in apps.get_models()
             if model.__module__.startswith(("control_plane", "tenants", "billing"))
             for field in model._meta.concrete_fields if isinstance(field, text_like)}
    unclassified = names - PERSONAL_KEYS - NOT_PERSONAL
    assert not unclassified, f"classify these fields in PERSONAL_KEYS or NOT_PERSONAL: {sorted(unclassified)}"
    assert not PERSONAL_KEYS & NOT_PERSONAL


@pytest.mark.urls("tests.config.urls_boom")
def test_every_personal_field_is_scrubbed_from_a_real_event(store_a, sentry_server):
    from config.observability import PERSONAL_KEYS

    secrets = {key: f"secret-{n:03d}-value" for n, key in enumerate(sorted(PERSONAL_KEYS))}
    client = Client(HTTP_HOST=store_a.host, raise_request_exception=False)
    body = {**secrets, "answers": json.dumps({"微信号": "secret-wechat-id"})}
    assert client.post("/boom/", body).status_code == 500
    assert client.post("/boom/", json.dumps({"address": {"recipient": "secret-recipient", "detail": "secret-street"},
                                             "login": "secret-login"}),
                       content_type="application/json").status_code == 500
    sentry_sdk.flush(timeout=5)
    raw = json.dumps(_events(sentry_server), ensure_ascii=False)
    assert "kaboom" in raw
    leaked = [value for value in [*secrets.values(), "secret-wechat-id", "secret-recipient", "secret-street",
                                  "secret-login"] if value in raw]
    assert leaked == []
