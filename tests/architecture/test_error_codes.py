"""Every code a refusal carries comes from a vocabulary (core.errors.CoreCode, an app's error_codes.py), and the
OpenAPI schema documents them all on every operation's error responses."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import Client

from core.errors import all_error_codes

DOMAIN = [Path(settings.REPO_DIR) / "tenants", Path(settings.PLATFORM_DIR) / "core",
          Path(settings.REPO_DIR) / "shop_api"]


def test_no_refusal_spells_its_code_by_hand():
    by_hand = [f"{path.relative_to(settings.REPO_DIR)}: {match.group(0)}" for folder in DOMAIN
               for path in folder.rglob("*.py") if "migrations" not in path.parts
               for match in re.finditer(r'code\s*=\s*"[a-z_]+"', path.read_text())]
    assert by_hand == []


def test_the_schema_documents_every_code(client_a):
    schema = Client(HTTP_HOST="alpha.localhost").get("/api/schema/?format=json").json()
    documented = schema["components"]["schemas"]["Error"]["properties"]["code"]["enum"]
    assert documented == all_error_codes()
    assert {"idempotency_key_reused", "not_sellable", "invalid_share_token", "validation_failed",
            "bad_request", "throttled"} <= set(documented)
    orders = schema["paths"]["/api/v1/orders/"]["post"]["responses"]
    assert orders["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
