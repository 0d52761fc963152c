"""Sentry set-up and the tenant tag on every event and log line.

Personal data never leaves: the values of every key in ``PERSONAL_KEYS`` are scrubbed from events before
they are sent, wherever they appear (request data, extra, breadcrumbs). The list covers every field of our
models that holds personal data or a secret (tests/config/test_observability.py classifies each model field,
so a new one cannot be forgotten), and the names the forms and APIs use for them (``login``, ``code``...).
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
from django.db import connection

SCRUBBED = "[scrubbed]"
PERSONAL_KEYS = frozenset(
    {
        # WeChat identity and its secrets; the one-time login code (code2session, web OAuth, SMS).
        "openid", "oa_openid", "unionid", "payer_openid", "session_key", "code", "encrypted_data", "iv",
        # Who a person is and how to reach them.
        "phone", "mobile", "phone_number", "name", "real_name", "user_name", "username", "nickname", "avatar_url",
        "email", "owner_email", "owner_login", "login", "id_card", "answers",
        # Where they live (address book and order snapshots) and where parcels go.
        "address", "recipient", "detail", "province", "city", "district", "tracking_no", "return_tracking_no",
        "exchange_tracking_no",
        # Staff and operators named in records; where a request came from.
        "actor", "actor_label", "reviewed_by", "resolved_by", "suspended_by", "moderated_by", "requested_by", "done_by",
        "client_ip", "ip_address", "device_id", "devices",
        # Free text a shopper writes, and what they upload.
        "remark", "description", "photos", "text", "reply",
        # Money and credentials.
        "bank_account", "bank_account_encrypted", "password", "secret", "secret_encrypted", "apiv3_key",
        "apiv3_key_encrypted", "private_key_pem", "merchant_private_key_encrypted",
    }
)


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (SCRUBBED if str(k).lower() in PERSONAL_KEYS else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """``before_send`` hook: strips personal data and tags the tenant schema."""
    event = _scrub(event)
    request = event.get("request")
    if isinstance(request, dict):
        # Query strings carry whatever a client put there (codes, phone numbers): never sent.
        if request.get("query_string"):
            request["query_string"] = SCRUBBED
        if isinstance(request.get("url"), str):
            request["url"] = request["url"].split("?", 1)[0]
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {k: v for k, v in user.items() if k == "id"}
    schema = getattr(connection, "schema_name", None)
    if schema:
        event.setdefault("tags", {}).setdefault("tenant", schema)
    return event


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return _scrub(crumb)


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> bool:
    if not dsn:
        return False
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.redis import RedisIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration(monitor_beat_tasks=False), RedisIntegration()],
        before_send=scrub_event,
        # Local variables are where personal data hides (members, addresses, payloads): not collected.
        include_local_variables=False,
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=traces_sample_rate,
    )
    return True


def tag_task_tenant(**kwargs) -> None:
    """Celery ``task_prerun`` hook, connected after tenant-schemas-celery's own: the connection is already
    in the task's schema, so errors in tasks are tagged with the store like errors in requests."""
    sentry_sdk.set_tag("tenant", connection.schema_name)


class TenantTagMiddleware:
    """Tags the current Sentry scope with the tenant schema the request resolved to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            sentry_sdk.set_tag("tenant", tenant.schema_name)
        return self.get_response(request)
