"""The merchant console in headless Chromium: ship an order, review an application, approve a withdrawal;
a staff member with a lesser role is refused the finance page. Runs in a store made for it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.catalog.models import Product
from tenants.catalog.services import SkuInput, product_create
from tenants.distribution.models import Application, Commission, DistributionSettings
from tenants.distribution.withdrawals import withdrawal_request
from tenants.ledger.models import Account, Journal
from tenants.ledger.services import Line, account_for, journal_post
from tenants.members.models import Address, Member
from tenants.orders.models import Order, ShippingTemplate
from tenants.orders.services import order_create, order_mark_paid
from tenants.staff.models import StaffMember
from tenants.staff.services import staff_create_owner
from tests.browser.conftest import drop_store, image_width, open_store, shot
from tests.tenants.distribution.builders import make_distributor

pytestmark = pytest.mark.browser
PASSWORD = "Console-Pass-2026"


@pytest.fixture
def console_store(live):
    with transaction.atomic():
        tenant = open_store("console-shop", "小雨美妆旗舰店")
        with schema_context(tenant.schema_name):
            staff_create_owner(login="owner@console.test", password=PASSWORD)
            ops = get_user_model().objects.create_user(username="ops@console.test", password=PASSWORD)
            StaffMember.objects.create(user=ops, role=StaffMember.Role.OPERATIONS)
            ShippingTemplate.objects.create(name="满99包邮", mode="flat", flat_fee_fen=800, free_over_fen=9900,
                                            is_default=True)
            DistributionSettings.objects.create(recruitment="apply", withdrawal_min_fen=100)
            buyer = Member.objects.create(openid="o-console-buyer", nickname="林小雨")
            address = Address.objects.create(member=buyer, recipient="林小雨", phone="13912345678",
                                             region_code="330106", province="浙江省", city="杭州市", district="西湖区",
                                             detail="文三路 90 号", is_default=True)
            sku = product_create(title="玻尿酸保湿面霜", publish=True,
                                 skus=[SkuInput(spec_values={"规格": "50ml"}, price_fen=19900, stock=20)]).skus.get()
            order, _ = order_create(member=buyer, idempotency_key="console-browser-1", address_id=address.pk,
                                    items=[{"sku_id": sku.pk, "quantity": 2}])
            order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="4200000001",
                            paid_at=timezone.now())
            Application.objects.create(member=Member.objects.create(openid="o-applicant", nickname="陈晨"),
                                       answers={"真实姓名": "陈晨", "微信号": "chenchen88"})
            distributor = make_distributor()
            journal_post(kind=Journal.Kind.RELEASE, idempotency_key="console-fund",
                         lines=[Line(account_for(kind=Account.Kind.DISTRIBUTOR_AVAILABLE, owner_id=distributor.pk),
                                     12000),
                                Line(account_for(kind=Account.Kind.STORE_COMMISSION_EXPENSE), -12000)])
            withdrawal_request(distributor=distributor, idempotency_key="console-withdrawal", amount_fen=8800,
                               method="wechat")
            for _n in range(2):  # a small team with a commission, for the distributor's page
                make_distributor(parent=make_distributor(parent=distributor))
            Commission.objects.create(order_id=order.pk, order_number=order.number, order_line_id=order.lines.get().pk,
                                      line_position=1, distributor=distributor, level=1, base_fen=39800, quantity=2,
                                      rate_bp=1200, amount_fen=4776, rule_version=1, rate_source="level",
                                      is_first_order=True)
    connection.set_schema_to_public()
    yield order.number
    drop_store("console-shop")


def _login(page, live, login):
    page.goto(f"http://console-shop.localhost:{live}/console/login/")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"http://console-shop.localhost:{live}/console/")


def test_merchant_ships_reviews_and_pays_out(page, live, console_store):
    number = console_store
    _login(page, live, "owner@console.test")
    page.wait_for_selector("#sales-chart")
    shot(page, "console-dashboard")
    page.click("nav >> text=订单")
    page.click(f"#order-table tr[data-number='{number}'] a")
    page.select_option("#carrier_code", "SF")
    page.fill("#tracking_no", "SF1234567890")
    page.click("#ship-form button[type=submit]")
    page.wait_for_selector("text=SF1234567890")
    assert "已发货" in page.text_content("#order-status")
    shot(page, "console-order-detail")

    page.click("nav >> text=分销")
    assert "陈晨" in page.text_content("#applications")
    shot(page, "console-distribution")
    page.click("#applications button[value=approve]")
    page.wait_for_selector("#applications >> text=没有待审核的申请")
    page.click("#settings-link")
    page.check("input[name=team_bonus_enabled]")
    page.fill("#team_bonus", "1.5")
    page.click("#settings-form button[type=submit]")
    page.wait_for_selector("#saved")
    assert page.is_checked("input[name=team_bonus_enabled]") and page.input_value("#team_bonus") == "1.50"
    shot(page, "console-distribution-settings")

    page.click("nav >> text=提现与结算")
    page.click("#withdrawals button[value=approve]")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#withdrawals button[value=paid]")
    page.wait_for_selector("#withdrawals >> text=已到账")
    shot(page, "console-withdrawals")
    page.click("nav >> text=分销")
    page.click("#distributors tbody tr:last-child a")
    page.wait_for_selector("#earnings-chart")
    assert "¥32.00" in page.text_content("#balances")  # 120.00 released, 88.00 withdrawn and paid
    assert "12% × 398.00 = 47.76" in page.text_content("#commissions")
    shot(page, "console-distributor-detail")
    page.click("nav >> text=营销")  # a coupon made from the form, listed with its offer
    page.fill("#id_name", "满199减30")
    page.fill("#id_amount_fen", "30")
    page.fill("#id_threshold_fen", "199")
    page.fill("#id_valid_days", "7")
    page.fill("#id_total_quantity", "500")
    with page.expect_navigation():
        page.click("#coupon-form button[type=submit]")
    assert "满 199.00 减 30.00" in page.text_content("#coupon-table") and "0 / 500" in page.text_content(
        "#coupon-table")
    shot(page, "console-coupons")


def test_operations_staff_is_refused_the_finance_page(page, live, console_store):
    _login(page, live, "ops@console.test")
    response = page.goto(f"http://console-shop.localhost:{live}/console/finance/withdrawals/")
    assert response.status == 403
    assert page.locator("[data-forbidden]").is_visible()


def test_merchant_adds_a_two_sku_product_the_shopper_buys_it_the_merchant_ships(page, live, console_store, tmp_path):
    import requests
    from PIL import Image

    from tenants.members.tokens import member_token_issue

    _login(page, live, "owner@console.test")
    page.click("nav >> text=商品")
    page.click("#new-product")
    page.fill("#title", "玫瑰精华水")
    page.fill("#subtitle", "大马士革玫瑰")
    page.fill("#specs", "容量: 100ml, 200ml")
    page.click("#make-matrix")
    page.wait_for_selector("#sku-matrix tr[data-sku='容量:200ml']")
    page.fill("input[aria-label='售价 100ml']", "89")
    page.fill("input[aria-label='初始库存 100ml']", "30")
    page.fill("input[aria-label='售价 200ml']", "149")
    page.fill("input[aria-label='初始库存 200ml']", "20")
    page.click("#save-product")
    page.wait_for_selector("#saved")
    photo = tmp_path / "rose.png"
    Image.new("RGB", (600, 600), (214, 92, 120)).save(photo)
    page.set_input_files("#upload-form input[type=file]", str(photo))
    page.click("#upload-form button")
    page.wait_for_selector("#image-list img")
    assert image_width(page, "#image-list img") == 600  # served, not broken
    page.click("#put-on-sale")
    page.wait_for_selector("#product-status.active")
    shot(page, "console-product-editor")

    with schema_context("t_console_shop"):
        product = Product.objects.get(title="玫瑰精华水")
        sku = product.skus.get(spec_key="容量:200ml")
        buyer = Member.objects.get(openid="o-console-buyer")
        token, address_id = member_token_issue(member=buyer), buyer.addresses.get().pk
    connection.set_schema_to_public()
    api = f"http://127.0.0.1:{live}/api/v1"
    headers = {"Host": f"console-shop.localhost:{live}", "Authorization": f"Bearer {token}"}
    listed = requests.get(f"{api}/catalog/products/?q=玫瑰", headers=headers, timeout=10).json()
    assert [p["title"] for p in listed["results"]] == ["玫瑰精华水"]
    created = requests.post(f"{api}/orders/", json={"address_id": address_id, "items": [{"sku_id": sku.pk,
                                                                                       "quantity": 1}]},
                            headers={**headers, "Idempotency-Key": "browser-rose-0001"}, timeout=10)
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    with schema_context("t_console_shop"):
        order = Order.objects.get(number=number)
        order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="4200000099",
                        paid_at=timezone.now())
    connection.set_schema_to_public()

    page.click("nav >> text=订单")
    page.click(f"#order-table tr[data-number='{number}'] a")
    page.select_option("#carrier_code", "YTO")
    page.fill("#tracking_no", "YT9876543210")
    page.click("#ship-form button[type=submit]")
    page.wait_for_selector("text=YT9876543210")
    assert "已发货" in page.text_content("#order-status")


def test_simulator_replays_orders_and_the_console_works_at_phone_width(page, live, console_store, browser):
    from tests.tenants.distribution.builders import publish_rates

    with schema_context("t_console_shop"):
        publish_rates(version=1, rates={1: (1000, 800), 2: (300, 200)})
        seller = Commission.objects.get().distributor
        Order.objects.filter(number=console_store).update(distributor_id=seller.pk)
    connection.set_schema_to_public()
    _login(page, live, "owner@console.test")
    page.goto(f"http://console-shop.localhost:{live}/console/distribution/simulator/")
    page.fill("input[aria-label='first 1']", "15")
    page.fill("input[aria-label='repeat 1']", "12")
    page.click("#simulator-form button[value=simulate]")
    page.wait_for_selector("#simulation")
    assert "¥59.70" in page.text_content("#simulation")  # 15% of the 398.00 order, against 39.80 today
    shot(page, "console-simulator")

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        small = phone.new_page()
        small.goto(f"http://console-shop.localhost:{live}/console/login/")
        small.fill("#login", "owner@console.test")
        small.fill("#password", PASSWORD)
        small.click("button[type=submit]")
        small.wait_for_selector("#figures")
        assert small.locator("nav.sidenav >> text=订单").is_visible()  # the menu scrolls sideways, not hidden
        assert small.evaluate("document.documentElement.scrollWidth") <= 390
        shot(small, "console-phone")
    finally:
        phone.close()


def test_order_rules_are_edited_with_errors_in_place_and_payments_reconciled(page, live, console_store):
    _login(page, live, "owner@console.test")
    page.goto(f"http://console-shop.localhost:{live}/console/store/settings/")
    page.click("#order-rules-link")
    page.fill("#id_return_days", "0")
    page.click("#order-rules-form button[type=submit]")
    assert page.is_visible("[data-field=return_days]")
    page.fill("#id_return_days", "5")
    page.fill("#id_after_sale_days", "30")  # longer than the 7-day commission freeze
    page.click("#order-rules-form button[type=submit]")
    assert "冻结期" in page.text_content("[data-field=after_sale_days]")
    shot(page, "console-order-rules")
    page.fill("#id_after_sale_days", "7")
    page.click("#order-rules-form button[type=submit]")
    page.wait_for_selector("#saved")
    page.goto(f"http://console-shop.localhost:{live}/console/finance/payments/")
    assert page.is_visible("#unmatched-payments") and page.is_visible("#payment-issues")
    shot(page, "console-payments")


def test_the_store_wechat_apps_are_set_with_secrets_never_shown(page, live, console_store):
    _login(page, live, "owner@console.test")
    page.goto(f"http://console-shop.localhost:{live}/console/store/settings/")
    page.click("#wechat-link")
    page.fill("#official_account-appid", "wxoa-browser")
    page.fill("#official_account-secret", "browser-secret-1")
    page.click("#official_account button[value=save-official_account]")
    page.wait_for_selector("#saved")
    assert page.input_value("#official_account-appid") == "wxoa-browser"
    assert page.input_value("#official_account-secret") == ""  # write-only
    assert page.is_visible("#official_account button[value=test-official_account]")
    shot(page, "console-wechat")
