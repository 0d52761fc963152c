"""A shopper's whole journey on a phone (390 px, headless Chromium): a distributor's product link, login with a
texted code read from the SMS sandbox's outbox (the link the login page shows in sandbox mode), a search in
Chinese, a SKU sold out meanwhile refused plainly, buy now, a new address picked province / city / county,
checkout, WeChat's H5 cashier in the WeChat Pay sandbox (its signed notification settles the order), the
merchant shipping in the console, the tracking timeline, receipt, a review with a photo on the product page;
then the distributor logs in to their centre and finds the frozen commission with its explanation, and the
product's QR code and poster. Another store's link is refused; the code button counts down. Runs in stores
made for it."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_tenants.utils import schema_context
from PIL import Image

from sandbox import server as sandbox_server
from sandbox.wechatpay import Merchant, WeChatPaySandbox
from tenants.catalog.editing import product_images_add
from tenants.catalog.models import Sku
from tenants.catalog.services import SkuInput, product_create
from tenants.distribution.models import Binding, Commission, DistributionSettings
from tenants.distribution.network import distributor_share_token
from tenants.orders.models import Order, ShippingTemplate
from tenants.payments.services import wechatpay_configure
from tenants.staff.services import staff_create_owner
from tests.browser.conftest import drop_store, open_store, shot
from tests.shop_api.conftest import APIV3_KEY, MERCHANT_PRIVATE, MERCHANT_PUBLIC, PLATFORM_PRIVATE, PLATFORM_PUBLIC
from tests.tenants.distribution.builders import make_distributor, publish_rates

pytestmark = pytest.mark.browser
PASSWORD = "Journey-Pass-2026"
PHONE = "13812345678"
SHARER_PHONE = "13812340000"


def png(color: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 600), color).save(buffer, "PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def journey(live, sandbox_port, sms_sandbox, settings, monkeypatch):
    pay = WeChatPaySandbox(platform_private_key_pem=PLATFORM_PRIVATE, platform_key_id="PUB_KEY_ID_SANDBOX")
    pay.merchants["1900000777"] = Merchant(mchid="1900000777", appid="wxjourney", public_key_pem=MERCHANT_PUBLIC,
                                           serial_no="MERCHANTSERIAL01", apiv3_key=APIV3_KEY)
    monkeypatch.setitem(sandbox_server.APPS, "/wechatpay", pay)
    settings.WECHATPAY_SANDBOX_BASE = f"http://127.0.0.1:{sandbox_port}/wechatpay"
    settings.SMS_SANDBOX_OUTBOX = f"http://127.0.0.1:{sandbox_port}/sms/outbox"
    with transaction.atomic():
        tenant = open_store("h5-buy", "小雨美妆")
        open_store("h5-other", "Bravo 生鲜")
        with schema_context(tenant.schema_name):
            staff_create_owner(login="owner@journey.test", password=PASSWORD)
            wechatpay_configure(appid="wxjourney", mchid="1900000777", private_key_pem=MERCHANT_PRIVATE,
                                cert_serial_no="MERCHANTSERIAL01", apiv3_key=APIV3_KEY,
                                platform_public_key_pem=PLATFORM_PUBLIC, platform_public_key_id="PUB_KEY_ID_SANDBOX",
                                sandbox=True)
            ShippingTemplate.objects.create(name="满99包邮", mode="flat", flat_fee_fen=800, free_over_fen=9900,
                                            is_default=True)
            DistributionSettings.objects.update_or_create(singleton=1, defaults={"enabled": True})
            publish_rates(rates={1: (1000, 800)})  # 10 % on a first order
            cream = product_create(title="玻尿酸保湿面霜", subtitle="敏感肌可用", publish=True, skus=[
                SkuInput(spec_values={"容量": "50ml"}, price_fen=19900, stock=5),
                SkuInput(spec_values={"容量": "100ml"}, price_fen=29900, stock=2)])
            product_images_add(product=cream, uploads=[png("#f4c2c2")])
            sharer = make_distributor()
            sharer.member.phone = SHARER_PHONE
            sharer.member.save(update_fields=["phone"])
            made = {"cream": cream.pk, "token": distributor_share_token(distributor=sharer), "sharer": sharer.pk,
                    "large": cream.skus.get(price_fen=29900).pk, "schema": tenant.schema_name}
    yield made
    drop_store("h5-buy")
    drop_store("h5-other")


def test_a_shopper_comes_through_a_link_logs_in_buys_pays_and_receives(browser, live, journey):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    base = f"http://h5-buy.localhost:{live}"

    page.goto(f"http://h5-other.localhost:{live}/?dc={journey['token']}")  # store A's link at store B
    assert "分享链接无效或来自其他店铺" in page.text_content("main")

    page.goto(f"{base}/?dc={journey['token']}&product={journey['cream']}")
    page.wait_for_url(f"{base}/products/{journey['cream']}/")
    page.fill("header input[name=q]", "保湿面霜")
    page.press("header input[name=q]", "Enter")
    page.click(f"[data-product='{journey['cream']}']")
    page.click("button[value=cart]")
    page.wait_for_url(f"{base}/login/**")  # signed out: in first, then back to the product
    shot(page, "h5-login")

    page.fill("#id_phone", PHONE)
    page.click("button[value=send]")
    page.wait_for_selector("text=验证码已发送")
    assert page.is_disabled("button[value=send]") and "秒后重发" in page.text_content("button[value=send]")
    with page.expect_popup() as popup:
        page.click("text=在这里查看验证码")  # the sandbox's outbox, as a developer would read it
    outbox = json.loads(popup.value.text_content("body"))
    popup.value.close()
    page.fill("#id_code", outbox["messages"][0]["params"][0])
    page.click("button[value=login]")
    page.wait_for_url(f"{base}/products/{journey['cream']}/")
    with schema_context(journey["schema"]):
        binding = Binding.objects.get()
        assert binding.distributor_id == journey["sharer"] and binding.member.phone == PHONE

    page.click("text=100ml")
    with schema_context(journey["schema"]):
        Sku.objects.filter(pk=journey["large"]).update(stock=0)  # the last two went to someone else meanwhile
    page.click("button[value=cart]")
    page.wait_for_selector(".flash >> text=这个规格已售罄")  # said plainly, nothing added
    page.click("text=50ml")
    page.click("button[value=buy]")
    page.wait_for_url(f"{base}/checkout/**")
    page.click("text=新增收货地址")
    page.fill("#id_recipient", "林小雨")
    page.fill("#id_phone", "13912345678")
    page.wait_for_function("document.querySelector('[data-level=province]').options.length > 30")
    page.select_option("[data-level=province]", label="上海市")
    page.select_option("[data-level=city]", label="上海市")
    page.select_option("[data-level=county]", label="浦东新区")
    page.fill("#id_detail", "世纪大道 100 号 8 楼")
    shot(page, "h5-address")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/checkout/**")
    assert "浦东新区" in page.text_content(".address-choice")
    assert page.text_content("[data-payable]") == "¥199.00"  # over 99: shipping free
    shot(page, "h5-checkout")
    page.click("text=提交订单")
    page.wait_for_url(f"{base}/orders/*/pay/")
    page.click("#pay")
    page.wait_for_selector("text=微信支付（沙箱）")  # WeChat's cashier, in the sandbox
    assert "¥199.00" in page.text_content("body")
    page.click("text=确认支付")
    page.wait_for_url(f"{base}/orders/*/result/")
    page.wait_for_selector("text=支付成功")
    shot(page, "h5-pay-result")
    with schema_context(journey["schema"]):
        order = Order.objects.get()
        assert order.status == Order.Status.PAID and order.distributor_id == journey["sharer"]
        commission = Commission.objects.get()  # the sharer's, frozen until after receipt
        assert (commission.amount_fen, commission.status) == (1990, Commission.Status.FROZEN)

    console = context.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860}).new_page()
    console.goto(f"{base}/console/login/")
    console.fill("#login", "owner@journey.test")
    console.fill("#password", PASSWORD)
    console.click("button[type=submit]")
    console.wait_for_url(f"{base}/console/")
    console.goto(f"{base}/console/orders/{order.number}/")
    console.select_option("#carrier_code", "SF")
    console.fill("#tracking_no", "SF1357924680")
    console.click("#ship-form button[type=submit]")
    console.wait_for_selector("text=SF1357924680")

    page.click("text=查看订单")
    page.wait_for_selector(".timeline")
    assert "顺丰速运 SF1357924680" in page.text_content(".parcel")
    shot(page, "h5-order")
    page.click("button:has-text('确认收货')")
    page.wait_for_selector(".flash >> text=已确认收货")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with schema_context(journey["schema"]):
        assert Order.objects.get().status == Order.Status.RECEIVED

    page.click("text=评价晒单")
    page.click(".review-form .rate label >> nth=0")  # five stars, the first from the left
    page.fill(".review-form textarea", "质地清爽，保湿效果很好，会回购。")
    page.set_input_files(".review-form input[type=file]", files=[{
        "name": "cream.png", "mimeType": "image/png", "buffer": png("#cfe8ff").read()}])
    shot(page, "h5-review")
    page.click("text=发表评价")
    page.wait_for_selector(".flash >> text=感谢你的评价")
    console.goto(f"{base}/console/reviews/?status=pending")  # the store reads reviews before they show
    console.fill("#review-table input[name=reply]", "谢谢支持，期待再次光临！")
    console.click("#review-table button[value=reply]")
    with console.expect_navigation():
        console.click("#review-table button[value=publish]")
    console.goto(f"{base}/console/reviews/?status=published")
    assert "谢谢支持" in console.text_content("#review-table tbody")
    console.context.close()
    page.goto(f"{base}/products/{journey['cream']}/")
    reviews = page.text_content("main")
    assert "质地清爽" in reviews and "5.0" in reviews and "谢谢支持" in reviews
    page.goto(f"{base}/orders/{order.number}/")  # the cream's pump is broken: an exchange, with a photo
    page.click("text=申请售后")
    page.check("input[value=exchange]")
    page.select_option("#id_reason", "收到商品破损")
    page.set_input_files(".after-sale-form input[type=file]", files=[{
        "name": "pump.png", "mimeType": "image/png", "buffer": png("#ffd6cc").read()}])
    shot(page, "h5-after-sale-form")
    page.click("text=提交申请")
    page.wait_for_selector(".flash >> text=售后申请已提交")
    assert "待审核" in page.text_content(".order-head") and page.locator(".photos img").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "h5-after-sale")
    context.close()

    sharer = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                 has_touch=True).new_page()
    sharer.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sharer.goto(f"{base}/login/?next=/distribution/")
    sharer.fill("#id_phone", SHARER_PHONE)
    sharer.click("button[value=send]")
    sharer.wait_for_selector("text=验证码已发送")
    with sharer.expect_popup() as popup:
        sharer.click("text=在这里查看验证码")
    outbox = json.loads(popup.value.text_content("body"))
    popup.value.close()
    sharer.fill("#id_code", outbox["messages"][0]["params"][0])
    sharer.click("button[value=login]")
    sharer.wait_for_url(f"{base}/distribution/")
    assert sharer.text_content("[data-balance=frozen]") == "¥19.90"  # 10 % of 199.00, frozen until settled
    assert "我的客户 1" in sharer.text_content("main") and sharer.locator(".chart rect").count() == 30
    shot(sharer, "h5-distribution")
    sharer.click("text=佣金明细")
    sharer.wait_for_url(f"{base}/distribution/commissions/")
    assert "一级，首单佣金 10% × 199.00 = 19.90" in sharer.text_content(".commission .explain")
    assert "冻结中" in sharer.text_content(".commission .status")
    shot(sharer, "h5-distribution-commissions")
    sharer.goto(f"{base}/distribution/share/?product={journey['cream']}")
    assert sharer.evaluate("document.querySelector('img.qr').naturalWidth") > 100
    with sharer.expect_download() as download:
        sharer.click("text=下载分享海报")
    assert download.value.suggested_filename == f"poster-{journey['cream']}.png"
    shot(sharer, "h5-distribution-share")
    assert sharer.evaluate("document.documentElement.scrollWidth") <= 390
    sharer.context.close()
    assert violations == []
