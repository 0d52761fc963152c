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
