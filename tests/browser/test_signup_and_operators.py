"""A merchant signs up and lands in their console; a bad slug is a field error; an operator suspends and
resumes a store — in real headless Chromium."""

from __future__ import annotations

import json
import time

import pytest

from control_plane.tenancy.models import Tenant
from tests.browser.conftest import drop_store, shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_up_slug(live):
    yield "xiaomei"
    drop_store("xiaomei")


def test_merchant_signs_up_and_lands_in_the_console(page, live, signed_up_slug):
    page.goto(f"http://localhost:{live}/")
    shot(page, "signup")
    page.fill("#store_name", "小美母婴旗舰店")
    page.fill("#slug", "XiaoMei")
    page.fill("#owner_login", "mei@example.com")
    page.fill("#password", "Str0ng-enough-pass")
    page.check("input[name=template][value=mother_baby]")
    started = time.monotonic()
    page.click("button[type=submit]")
    page.wait_for_url(f"http://xiaomei.localhost:{live}/console/", timeout=15000)
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"sign-up took {elapsed:.1f}s"
    assert "小美母婴旗舰店" in page.text_content(".topbar")
    assert "母婴亲子" in page.text_content("main")
    shot(page, "signup-console")
    # The storefront the shopper sees uses the template picked at sign-up.
    page.goto(f"http://xiaomei.localhost:{live}/")
    assert "宝妈都在买" in page.content()
    assert Tenant.objects.get(slug="xiaomei").template.code == "mother_baby"


def test_bad_slug_is_shown_next_to_the_field_and_nothing_is_created(page, live):
    page.goto(f"http://localhost:{live}/")
    page.fill("#store_name", "管理员的店")
    page.fill("#slug", "admin")
    page.fill("#owner_login", "boss@example.com")
    page.fill("#password", "Str0ng-enough-pass")
    page.click("button[type=submit]")
    error = page.locator("ul.errorlist[data-field=slug]")
    error.wait_for()
    assert "保留名称" in error.text_content()
    assert page.input_value("#store_name") == "管理员的店"
    shot(page, "signup-slug-error")
    page.fill("#slug", "Alpha")
    page.fill("#password", "Str0ng-enough-pass")
    page.click("button[type=submit]")
    page.locator("ul.errorlist[data-field=slug]").wait_for()
    assert "已被使用" in page.text_content("ul.errorlist[data-field=slug]")
    assert not Tenant.objects.filter(slug="admin").exists()


def test_live_slug_hint(page, live):
    page.goto(f"http://localhost:{live}/")
    page.fill("#slug", "alpha")
    page.locator("#slug-check [data-slug-check=taken]").wait_for(timeout=5000)
    page.fill("#slug", "fresh-name")
    page.locator("#slug-check [data-slug-check=ok]").wait_for(timeout=5000)


def test_operator_suspends_and_resumes_a_store(page, live):
    alpha = Tenant.objects.get(slug="alpha")
    try:
        page.goto(f"http://localhost:{live}/operators/")
        page.fill("#login", "olga")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.fill("input[name=q]", "alpha")
        page.click("form.toolbar button[type=submit]")
        assert page.locator("#tenant-table tbody tr").count() == 1
        shot(page, "operator-tenants")
        page.click("#tenant-table a")
        page.fill("#reason", "资质过期，暂停营业")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("button.danger")
        page.wait_for_selector("#tenant-status.suspended")
        assert "资质过期，暂停营业" in page.text_content("main")
        shot(page, "operator-tenant-detail")
        shopper = page.context.new_page()  # Chromium itself resolves *.localhost; Playwright's HTTP client does not
        api = shopper.goto(f"http://alpha.localhost:{live}/api/v1/storefront/layout/")
        assert api.status == 503 and json.loads(api.text())["code"] == "store_suspended"
        page.fill("#reason", "资质已更新")
        page.click("main form button[type=submit]")
        page.wait_for_selector("#tenant-status.active")
        assert shopper.goto(f"http://alpha.localhost:{live}/api/v1/storefront/layout/").status == 200
    finally:
        Tenant.objects.filter(pk=alpha.pk).update(status=Tenant.Status.ACTIVE, status_before_suspension="",
                                                  suspension_reason="")


def test_signup_page_fits_a_phone(browser, live):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"http://localhost:{live}/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(phone, "signup-phone")
    context.close()
