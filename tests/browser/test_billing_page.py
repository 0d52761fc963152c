"""The billing page in headless Chromium: a merchant on trial sees plan, usage and plans; Subscribe opens a
Stripe Checkout session (the sandbox's hosted page), paying returns to the console, and the signed webhooks
that the sandbox posts to the live server bring the subscription and its invoice onto the page."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from billing.models import WebhookEvent
from control_plane.tenancy.services import tenant_provision
from tenants.staff.services import staff_create_owner
from tests.billing.conftest import plans_synced_for_real
from tests.browser.conftest import drop_store, shot

pytestmark = pytest.mark.browser
PASSWORD = "Billing-Pass-2026"


@pytest.fixture
def billing_store(live, stripe_fake):
    stripe_fake.webhook_url = f"http://localhost:{live}/billing/stripe/webhook/"
    with plans_synced_for_real():
        with transaction.atomic():
            tenant = tenant_provision(slug="billing-shop", name="青禾生鲜", template_code="fresh_produce")
            with schema_context(tenant.schema_name):
                staff_create_owner(login="owner@billing.test", password=PASSWORD)
        connection.set_schema_to_public()
        yield tenant
        WebhookEvent.objects.filter(tenant_id=tenant.pk).delete()
        drop_store("billing-shop")


def test_merchant_sees_plan_usage_and_subscribes_through_checkout(page, live, billing_store, stripe_fake):
    base = f"http://billing-shop.localhost:{live}"
    page.goto(f"{base}/console/login/?next=/console/billing/")
    page.fill("#login", "owner@billing.test")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console/billing/")
    assert page.text_content("#current-plan").strip() == "专业版"
    assert "试用中" in page.text_content("#billing-status")
    assert page.locator("#usage [data-usage]").count() == 4
    assert "1 / 10" in page.text_content("#usage [data-usage=staff]")
    assert "暂无发票" in page.text_content("#invoices")
    shot(page, "console-billing-trial")

    page.click("#plans [data-plan=flagship] button[value=subscribe]")
    page.wait_for_url(f"{stripe_fake.public_base}/checkout/cs_test_*")
    assert "旗舰版" in page.text_content("h1") and "CNY 999.00 / month" in page.text_content("#amount")
    page.click("#pay")
    page.wait_for_url(f"{base}/console/billing/?done=checkout")
    for _ in range(20):  # the sandbox posts its webhooks a moment later, as Stripe does
        page.wait_for_timeout(250)
        page.reload()
        if page.locator("#invoices [data-invoice]").count() and "旗舰版" in page.text_content("#current-plan"):
            break
    assert page.text_content("#current-plan").strip() == "旗舰版"
    assert "已支付" in page.text_content("#invoices")
    assert page.locator("#portal").is_visible()
    assert "不限" in page.text_content("#usage [data-usage=products]")
    shot(page, "console-billing-subscribed")
