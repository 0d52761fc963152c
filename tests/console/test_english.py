"""The consoles in English: the catalog is complete, the compiled catalog matches it, and a merchant or
operator who picks English gets it (Simplified Chinese stays the default)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings

from tests.conftest import console_login

LOCALE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def _po_entries() -> list[tuple[str, list[str]]]:
    def text(block: str) -> str:
        return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).encode().decode("unicode_escape").encode(
            "latin-1").decode("utf-8")

    entries = []
    for chunk in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n")[1:]:
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', chunk, re.M)
        if msgid is None:
            continue
        strings = [text(m) for m in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', chunk, re.M)]
        entries.append((text(msgid.group(1)), strings))
    return entries


def test_every_message_is_translated_and_compiled():
    entries = _po_entries()
    assert len(entries) > 600
    untranslated = [msgid for msgid, strings in entries if not all(strings)]
    assert untranslated == []
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    stale = [msgid for msgid, strings in entries if len(strings) == 1 and catalog.gettext(msgid) != strings[0]]
    assert stale == [], "run: python manage.py compilemessages -l en"


def test_a_merchant_switches_the_console_to_english(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    assert "概况" in client_a.get("/console/").content.decode()  # Simplified Chinese by default
    response = client_a.post("/i18n/setlang/", {"language": "en", "next": "/console/"})
    assert response.status_code == 302
    page = client_a.get("/console/").content.decode()
    assert ">Overview<" in page and ">Orders<" in page and "Plan & billing" in page
    billing = client_a.get("/console/billing/").content.decode()
    assert "Current plan" in billing and "Unlimited" in billing


def test_operators_can_read_english_too(operator_client):
    operator_client.post("/i18n/setlang/", {"language": "en", "next": "/operators/"})
    page = operator_client.get("/operators/health/").content.decode()
    assert "Platform health" in page and "Failed jobs in 24 hours" in page
