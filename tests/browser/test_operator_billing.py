"""Operators in headless Chromium: revenue and subscriptions at a glance (charts), and a plan edited on the
platform and pushed to the Stripe sandbox."""

from __future__ import annotations

import pytest

from billing.models import Plan
from tests.billing.conftest import plans_synced_for_real
from tests.browser.conftest import image_width, shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_operator_sees_revenue_and_edits_a_plan(page, live, stripe_fake):
    with plans_synced_for_real():
        try:
            page.goto(f"http://localhost:{live}/operators/billing/")
            page.fill("#login", "olga")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("#status-chart")
            assert page.text_content("#count-trialing").strip() == str(Plan.objects.get(code="pro").subscriptions
                                                                      .filter(status="trialing").count())
            shot(page, "operator-billing")
            page.click("nav >> text=平台健康")
            page.wait_for_selector("#signups-chart")
            assert int(page.text_content("#store-count")) >= 2
            shot(page, "operator-health")
            page.click("nav >> text=店铺模板")
            page.wait_for_selector("#template-list [data-template=beauty] img")
            assert image_width(page, "#template-list img") > 0
            shot(page, "operator-templates")
            page.click("nav >> text=套餐")
            page.wait_for_selector("#plans [data-plan=basic]")
            shot(page, "operator-plans")
            page.click("#plans [data-plan=basic] a")
            page.fill("#max_products", "120")
            page.fill("#monthly_price", "109")
            page.click("#plan-form button[type=submit]")
            page.wait_for_selector(".alert.ok")
            assert Plan.objects.get(code="basic").max_products == 120
            assert any(p["unit_amount"] == 10900 and p["active"] for p in stripe_fake.objects.values()
                       if p["object"] == "price")
            shot(page, "operator-plan-detail")
        finally:
            Plan.objects.filter(code="basic").update(max_products=100, monthly_price_minor=9900)
