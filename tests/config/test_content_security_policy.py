"""Every page carries a Content-Security-Policy that forbids inline script, and no template has any: behaviour
lives in static files (console/console.js, console/charts.js). The browser tests fail on any violation."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from tests.conftest import console_login

TEMPLATE_DIRS = [Path(settings.REPO_DIR) / "console_frontend" / "templates", Path(settings.REPO_DIR) / "shop_api"]


def _policy(response) -> dict[str, list[str]]:
    parts = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {words[0]: words[1:] for words in parts}


def test_pages_of_both_hosts_forbid_inline_script(client_a, store_a, operator_client):
    console_login(client_a, store_a.owner_login)
    responses = [client_a.get(path) for path in ("/", "/console/", "/console/orders/", "/api/v1/catalog/products/",
                                                 "/api/docs/")]
    responses += [operator_client.get(path) for path in ("/", "/operators/", "/operators/health/")]
    for response in responses:
        assert response.status_code == 200
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]


def test_no_template_holds_inline_script_or_event_handlers():
    offenders = []
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
                offenders.append(template.name)
    assert offenders == []


def test_the_api_docs_load_their_script_from_this_host(client_a):
    page = client_a.get("/api/docs/").content.decode()
    sources = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert sources and all(src.startswith("/") for src in sources)
