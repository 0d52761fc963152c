"""Real headless Chromium (Debian's, driven by Playwright) against the app served in a thread.

The server thread has its own database connections and sees only committed data, so these tests write
for real (no rolled-back transaction) and remove what they create.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.testcases import LiveServerThread
from django_tenants.utils import schema_context
from playwright.sync_api import sync_playwright

from control_plane.tenancy import provisioning
from control_plane.tenancy.models import Domain, Tenant

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
# Playwright's sync API keeps an event loop in this thread; Django refuses ORM calls when it sees one.
# The test's own ORM calls are ordinary synchronous ones, so the guard is switched off for these tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Screenshots are always taken; they replace the committed ones in docs/screenshots only when asked
# (UPDATE_SCREENSHOTS=1), so a test run does not dirty the tree with new timestamps.
_REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = _REPO / ("docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else ".run/screenshots")


@pytest.fixture(scope="session")
def live_url(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        server = LiveServerThread("127.0.0.1", lambda handler: handler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        yield server.port
        server.terminate()
        # Keep-alive request threads of the server may still hold connections; the test database can only
        # be dropped once they are gone.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def live(live_url, settings, django_db_blocker):
    """The port of the live server; PLATFORM_PORT follows it so sign-up links point at it."""
    settings.PLATFORM_PORT = str(live_url)
    with django_db_blocker.unblock():
        yield live_url
        connection.set_schema_to_public()


@pytest.fixture(scope="session")
def browser(live_url):  # closed before the server it talks to
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A browser page; the test fails if anything on it broke the Content-Security-Policy (an inline script or
    handler that no longer runs)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    violations: list[str] = []
    page = context.new_page()
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert violations == []


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def image_width(page, selector: str) -> int:
    """The natural width of the first image matching ``selector`` once the browser is done with it (loaded,
    or failed: then 0); an image element can be in the page before its file has arrived."""
    page.wait_for_function("s => document.querySelector(s).complete", arg=selector)
    return page.evaluate("s => document.querySelector(s).naturalWidth", selector)


def open_store(slug: str, name: str, template: str = "beauty") -> Tenant:
    """A store made from a template with its home page laid out, as sign-up makes one (call in a transaction;
    ``drop_store`` removes it)."""
    from control_plane.storefront_templates.selectors import template_get_active
    from control_plane.tenancy.services import tenant_provision
    from tenants.storefront.services import storefront_apply_template

    tenant = tenant_provision(slug=slug, name=name, template_code=template)
    with schema_context(tenant.schema_name):
        storefront_apply_template(template=template_get_active(code=template))
    return tenant


def drop_store(slug: str) -> None:
    connection.set_schema_to_public()
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        return
    with schema_context("public"):
        Domain.objects.filter(tenant=tenant).delete()
        Tenant.objects.filter(pk=tenant.pk).delete()
        provisioning.schema_drop(tenant.schema_name)
    cache.clear()
