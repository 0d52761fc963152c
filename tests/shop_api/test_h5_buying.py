"""Buying on the H5 pages: product page to cart (an out-of-stock SKU refused, said plainly), the cart explaining
what cannot be bought, the address book with regions named from their code, checkout priced exactly as the
API prices it (the region's shipping fee included) and placed once however often it is submitted, paying
outside WeChat through the sandbox's H5 cashier and inside it through JSAPI (its paySign checked, a tampered
one refused), the result page settling a payment whose notification has not come, and the order's page."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.catalog.models import Product, Sku
from tenants.catalog.services import SkuInput, product_create
from tenants.members.models import Address, Member
from tenants.members.services import official_account_configure
from tenants.members.tokens import member_token_issue
from tenants.orders.models import Order, ShippingTemplate
from tenants.orders.services import order_ship
from tenants.payments.models import Payment
from tests.shop_api.conftest import api, post_notification
from tests.shop_api.test_h5_login import WECHAT_UA, _wechat_round_trip, phone_login

PHONE = "13600136000"


@pytest.fixture
def shelf(store_a):
    """A cream in two sizes (the large one sold out), a mask; shipping 6.00, 25.00 to Xinjiang (65)."""
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="默认", mode="flat", flat_fee_fen=600, is_default=True,
                                        region_rules=[{"regions": ["65"], "flat_fee_fen": 2500}])
        cream = product_create(title="保湿面霜", publish=True, skus=[
            SkuInput(spec_values={"规格": "50ml"}, price_fen=19900, stock=5),
            SkuInput(spec_values={"规格": "100ml"}, price_fen=29900, stock=0)])
        mask = product_create(title="补水面膜", publish=True, skus=[SkuInput(price_fen=3900, stock=20)])
        small, large = cream.skus.order_by("price_fen")
        made = {"cream": cream.pk, "small": small.pk, "large": large.pk, "mask": mask.pk,
                "mask_sku": mask.skus.get().pk}
    connection.set_schema_to_public()
    return made


@pytest.fixture
def shopper(client_a, store_a, sms_sandbox):
    phone_login(client_a, PHONE, sms_sandbox)
    return client_a


def _add_address(client: Client, region_code: str = "310115", **extra) -> object:
    return client.post("/me/addresses/new/", {"recipient": "王小明", "phone": "13912345678", "region_code": region_code,
                                              "detail": "世纪大道 100 号 8 楼", **extra})


def test_the_product_page_puts_a_sku_in_the_cart_and_refuses_a_sold_out_one(client_a, shopper, shelf):
    page = client_a.get(f"/products/{shelf['cream']}/").content.decode()
    assert "加入购物车" in page and 'name="sku" form="buy"' in page
    added = client_a.post("/cart/add/", {"sku": shelf["small"], "quantity": 2, "action": "cart",
                                         "product_url": f"/products/{shelf['cream']}/"}, follow=True)
    assert "已加入购物车" in added.content.decode()
    sold_out = client_a.post("/cart/add/", {"sku": shelf["large"], "quantity": 1, "action": "cart",
                                            "product_url": f"/products/{shelf['cream']}/"}, follow=True)
    assert "这个规格已售罄" in sold_out.content.decode()
    too_many = client_a.post("/cart/add/", {"sku": shelf["small"], "quantity": 4, "action": "cart",
                                            "product_url": f"/products/{shelf['cream']}/"}, follow=True)
    assert "库存不足，仅剩 5 件" in too_many.content.decode()
    cart = client_a.get("/cart/").content.decode()
    assert cart.count("data-cart-line=") == 1 and "¥398.00" in cart


def test_signed_out_shoppers_log_in_first_and_come_back_to_the_product(client_a, shelf):
    asked = client_a.post("/cart/add/", {"sku": shelf["small"], "quantity": 1, "action": "cart",
                                         "product_url": f"/products/{shelf['cream']}/"})
    assert asked["Location"] == f"/login/?next=%2Fproducts%2F{shelf['cream']}%2F"


def test_the_cart_explains_what_cannot_be_bought(client_a, store_a, shopper, shelf):
    for sku in (shelf["small"], shelf["mask_sku"]):
        client_a.post("/cart/add/", {"sku": sku, "quantity": 2, "action": "cart"})
    with schema_context(store_a.schema):
        Sku.objects.filter(pk=shelf["small"]).update(stock=1)
        Product.objects.filter(pk=shelf["mask"]).update(status=Product.Status.OFF_SALE)
    connection.set_schema_to_public()
    cart = client_a.get("/cart/").content.decode()
    assert "库存仅剩 1 件" in cart and "已下架" in cart
    assert "已选 0 件" in cart  # neither can be checked out
    assert client_a.get("/checkout/")["Location"] == "/cart/"


def test_the_address_book_names_regions_from_their_code(client_a, store_a, shopper):
    form = client_a.get("/me/addresses/new/").content.decode()
    assert 'data-region-picker="/regions.json"' in form
    regions = json.loads(client_a.get("/regions.json").content)
    assert regions["86"]["310000"] == "上海市" and regions["310100"]["310115"] == "浦东新区"
    bad = _add_address(client_a, region_code="310000", phone="123")
    page = bad.content.decode()
    assert bad.status_code == 400 and "请选择省市区" in page and "请填写 11 位手机号" in page
    assert _add_address(client_a, province="伪造省")["Location"] == "/me/addresses/"
    _add_address(client_a, region_code="650102", is_default="on")
    with schema_context(store_a.schema):
        shanghai, urumqi = Address.objects.order_by("pk")
        assert (shanghai.province, shanghai.city, shanghai.district) == ("上海市", "上海市", "浦东新区")
        assert urumqi.is_default and not shanghai.is_default
    connection.set_schema_to_public()
    client_a.post(f"/me/addresses/{urumqi.pk}/delete/")
    with schema_context(store_a.schema):
        assert Address.objects.get().is_default  # the remaining one takes over


def test_checkout_prices_as_the_api_and_places_one_order(client_a, store_a, shopper, shelf):
    _add_address(client_a)
    _add_address(client_a, region_code="650102")
    with schema_context(store_a.schema):
        urumqi = Address.objects.order_by("pk").last()
        token = member_token_issue(member=Member.objects.get(phone=PHONE))
    connection.set_schema_to_public()
    items = f"{shelf['small']}:2"
    page = client_a.get(f"/checkout/?items={items}").content.decode()  # buy now: the default address
    assert "¥398.00" in page and "¥6.00" in page and "¥404.00" in page
    far = client_a.get(f"/checkout/?items={items}&address={urumqi.pk}").content.decode()
    api_preview = api(store_a.host, token).post("/api/v1/checkout/preview/", {
        "address_id": urumqi.pk, "items": [{"sku_id": shelf["small"], "quantity": 2}]}, format="json").json()
    assert api_preview["shipping_fen"] == 2500 and api_preview["payable_fen"] == 42300
    assert "¥25.00" in far and "¥423.00" in far
    key = re.search(r'name="key" value="([^"]+)"', far).group(1)
    form = {"address": urumqi.pk, "items": items, "key": key, "remark": "请放门口"}
    placed = client_a.post("/checkout/", form)
    again = client_a.post("/checkout/", form)  # a double tap
    assert placed.status_code == 302 and placed["Location"] == again["Location"]
    assert placed["Location"].endswith("/pay/")
    with schema_context(store_a.schema):
        order = Order.objects.get()
        assert order.payable_fen == 42300 and order.remark == "请放门口" and order.device_id
        assert Sku.objects.get(pk=shelf["small"]).stock == 3


def test_checkout_refuses_in_place_what_no_longer_can_be_bought(client_a, store_a, shopper, shelf):
    _add_address(client_a)
    page = client_a.get(f"/checkout/?items={shelf['small']}:3").content.decode()
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    with schema_context(store_a.schema):
        Sku.objects.filter(pk=shelf["small"]).update(stock=2)
        address = Address.objects.get()
    connection.set_schema_to_public()
    refused = client_a.post("/checkout/", {"address": address.pk, "items": f"{shelf['small']}:3", "key": key})
    assert refused.status_code == 400 and "「保湿面霜 规格:50ml」库存不足" in refused.content.decode()
    with schema_context(store_a.schema):
        assert not Order.objects.exists()


def _placed_order(client: Client, store, shelf) -> str:
    with schema_context(store.schema):
        has_address = Address.objects.exists()
    if not has_address:
        _add_address(client)
    page = client.get(f"/checkout/?items={shelf['mask_sku']}:1").content.decode()
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    with schema_context(store.schema):
        address = Address.objects.first()
    connection.set_schema_to_public()
    placed = client.post("/checkout/", {"address": address.pk, "items": f"{shelf['mask_sku']}:1", "key": key})
    return placed["Location"].split("/")[2]


def test_h5_pay_through_the_sandbox_cashier_then_the_notification(client_a, store_a, shopper, shelf, gateway):
    number = _placed_order(client_a, store_a, shelf)
    to_cashier = client_a.post(f"/orders/{number}/pay/")
    assert to_cashier.status_code == 302
    cashier = urlsplit(to_cashier["Location"])
    assert cashier.path.endswith(f"/sandbox/checkout/{number}H")
    assert parse_qs(cashier.query)["redirect_url"] == [f"http://{store_a.host}/orders/{number}/result/"]
    shown = requests.get(to_cashier["Location"], timeout=5)
    assert "¥45.00" in shown.text  # 39.00 + 6.00 shipping
    assert "支付结果确认中" in client_a.get(f"/orders/{number}/result/").content.decode()  # not paid yet
    gateway.pay(f"{number}H")
    headers, body = gateway.notification(f"{number}H")
    assert post_notification(api(store_a.host), headers, body).status_code == 204
    assert "支付成功" in client_a.get(f"/orders/{number}/result/").content.decode()
    with schema_context(store_a.schema):
        assert Order.objects.get().status == Order.Status.PAID
        assert Payment.objects.get().channel == Payment.Channel.H5


def test_the_result_page_settles_a_payment_whose_notification_is_late(client_a, store_a, shopper, shelf, gateway):
    number = _placed_order(client_a, store_a, shelf)
    client_a.post(f"/orders/{number}/pay/")
    gateway.pay(f"{number}H")  # paid at WeChat; the notification has not arrived
    assert "支付成功" in client_a.get(f"/orders/{number}/result/").content.decode()
    with schema_context(store_a.schema):
        assert Order.objects.get().status == Order.Status.PAID


def test_jsapi_in_wechat_signs_for_the_official_account(client_a, store_a, shelf, gateway, sandbox_port):
    with schema_context(store_a.schema):
        official_account_configure(appid="wxoaalpha", secret="oa-secret", ask_userinfo=False, sandbox=True)
    connection.set_schema_to_public()
    _wechat_round_trip(client_a, user="dora", next_url="/me/", scope="snsapi_base")
    number = _placed_order(client_a, store_a, shelf)
    page = client_a.post(f"/orders/{number}/pay/", HTTP_USER_AGENT=WECHAT_UA).content.decode()
    params = json.loads(unescape(re.search(r"data-jsapi='([^']+)'", page).group(1)))
    assert params["appId"] == "wxoaalpha" and params["package"].startswith("prepay_id=")
    bridge = f"http://127.0.0.1:{sandbox_port}/wechatpay/sandbox/jsapi"
    forged = requests.post(bridge, json={**params, "package": params["package"], "nonceStr": "x" * 32}, timeout=5)
    assert forged.status_code == 400 and "fail sign" in forged.text
    assert requests.post(bridge, json=params, timeout=5).json()["err_msg"] == "get_brand_wcpay_request:ok"
    with schema_context(store_a.schema):
        payment = Payment.objects.get()
        assert payment.channel == Payment.Channel.JSAPI and payment.out_trade_no == f"{number}J"
    connection.set_schema_to_public()
    assert "支付成功" in client_a.get(f"/orders/{number}/result/").content.decode()  # settled by the query


def test_orders_list_detail_cancel_and_receipt(client_a, store_a, shopper, shelf, gateway):
    number = _placed_order(client_a, store_a, shelf)
    unpaid = client_a.get("/orders/?tab=unpaid").content.decode()
    assert f'data-order="{number}"' in unpaid and "待付款" in unpaid
    assert "取消订单" in client_a.get(f"/orders/{number}/").content.decode()
    cancelled = client_a.post(f"/orders/{number}/cancel/", follow=True).content.decode()
    assert "订单已取消" in cancelled and "已取消" in cancelled
    with schema_context(store_a.schema):
        assert Sku.objects.get(pk=shelf["mask_sku"]).stock == 20  # the unit went back

    paid = _placed_order(client_a, store_a, shelf)
    client_a.post(f"/orders/{paid}/pay/")
    gateway.pay(f"{paid}H")
    client_a.get(f"/orders/{paid}/result/")
    with schema_context(store_a.schema):
        order_ship(order=Order.objects.get(number=paid), carrier_code="SF", tracking_no="SF1234567890",
                   actor="staff:1")
    connection.set_schema_to_public()
    shipped = client_a.get(f"/orders/{paid}/").content.decode()
    assert "顺丰速运 SF1234567890" in shipped and 'class="timeline"' in shipped and "确认收货" in shipped
    received = client_a.post(f"/orders/{paid}/receipt/", follow=True).content.decode()
    assert "已确认收货" in received
    with schema_context(store_a.schema):
        assert Order.objects.get(number=paid).status == Order.Status.RECEIVED


def test_another_shoppers_order_is_not_there(client_a, store_a, shopper, shelf, sms_sandbox):
    number = _placed_order(client_a, store_a, shelf)
    other = Client(HTTP_HOST=store_a.host)
    phone_login(other, "13500135000", sms_sandbox)
    assert other.get(f"/orders/{number}/").status_code == 404
    assert other.post(f"/orders/{number}/cancel/").status_code == 404
    assert other.post(f"/orders/{number}/pay/").status_code == 404
