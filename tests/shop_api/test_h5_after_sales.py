"""After-sales on the H5 pages: a refund asked for on a paid order, a return on a received one; only the kinds
the order's state allows, never more units than are left, photos checked as images before any is kept; the
request followed on its own page, withdrawn, the return parcel sent back; nobody else's request shown, and
nothing offered once the store's after-sale window has closed."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.orders.aftersales import after_sale_approve
from tenants.orders.models import AfterSale, Order
from tests.shop_api.test_h5_login import phone_login
from tests.shop_api.test_h5_reviews import paid_order, photo

PHONE = "13500135000"


@pytest.fixture
def shopper(client_a, store_a, sms_sandbox):
    phone_login(client_a, PHONE, sms_sandbox)
    return client_a


def _order(store, *, key: str, receive: bool = False) -> tuple[str, int]:
    """A paid order of two units of one line (¥99.00 each); (number, line id)."""
    number, line, _product = paid_order(store, key=key, receive=receive, phone=PHONE, quantity=2)
    return number, line


def _text(response) -> str:
    return unescape(response.content.decode())


def test_a_refund_on_a_paid_order_with_photos_then_withdrawn(shopper, store_a):
    number, line = _order(store_a, key="as000001")
    assert "申请退款" in _text(shopper.get(f"/orders/{number}/"))
    form = _text(shopper.get(f"/orders/{number}/after-sale/"))
    assert 'value="refund_only"' in form and 'value="return_refund"' not in form  # not shipped: a refund only
    assert "可申请 2 件" in form
    url = f"/orders/{number}/after-sale/"
    nothing = shopper.post(url, {"kind": "refund_only", "reason": "不想要了", f"q{line}": "0"})
    assert nothing.status_code == 400 and "请填写要售后的商品数量" in _text(nothing)
    too_many = shopper.post(url, {"kind": "refund_only", "reason": "不想要了", f"q{line}": "3"})
    assert "最多可申请 2 件" in _text(too_many)
    no_reason = shopper.post(url, {"kind": "refund_only", f"q{line}": "1"})
    assert "请选择售后原因" in _text(no_reason)
    not_an_image = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
    refused = shopper.post(url, {"kind": "refund_only", "reason": "不想要了", f"q{line}": "1",
                                 "photos": [photo(), not_an_image]})
    assert refused.status_code == 400
    with schema_context(store_a.schema):
        assert not AfterSale.objects.exists()
    connection.set_schema_to_public()

    made = shopper.post(url, {"kind": "refund_only", "reason": "不想要了", f"q{line}": "2",
                              "description": "买重复了", "photos": [photo(), photo()]})
    assert made.status_code == 302
    page = _text(shopper.get(made["Location"]))
    with schema_context(store_a.schema):
        after_sale = AfterSale.objects.get()
        assert (after_sale.kind, after_sale.refund_fen, len(after_sale.photos)) == ("refund_only", 19800, 2)
    connection.set_schema_to_public()
    assert "售后申请已提交" in page and "待审核" in page and "¥198.00" in page and "买重复了" in page
    assert page.count(f'src="{after_sale.photos[0]}"') == 1 and "逾期自动同意" in page
    order_page = _text(shopper.get(f"/orders/{number}/"))
    assert f'data-after-sale="{after_sale.number}"' in order_page and "申请退款" not in order_page  # none left
    assert shopper.get(url)["Location"] == f"/orders/{number}/"
    assert f'data-after-sale="{after_sale.number}"' in _text(shopper.get("/after-sales/"))
    assert "退款/售后" in _text(shopper.get("/me/"))

    withdrawn = shopper.post(f"/after-sales/{after_sale.number}/cancel/", follow=True)
    assert "售后申请已撤销" in _text(withdrawn) and "已撤销" in _text(withdrawn)
    assert "撤销申请" not in _text(withdrawn)
    assert "申请退款" in _text(shopper.get(f"/orders/{number}/"))  # the units may be asked for again


def test_a_return_is_sent_back_from_the_after_sale_page(shopper, store_a):
    number, line = _order(store_a, key="as000002", receive=True)
    form = _text(shopper.get(f"/orders/{number}/after-sale/"))
    assert 'value="return_refund"' in form and 'value="exchange"' in form and "申请售后" in _text(
        shopper.get(f"/orders/{number}/"))
    made = shopper.post(f"/orders/{number}/after-sale/", {"kind": "return_refund", "reason": "质量问题",
                                                          f"q{line}": "1"})
    with schema_context(store_a.schema):
        after_sale = AfterSale.objects.get()
        assert after_sale.refund_fen == 9900
        after_sale_approve(after_sale=after_sale, actor="cs")
    connection.set_schema_to_public()
    page = _text(shopper.get(made["Location"]))
    assert "寄回商品" in page and "请在" in page
    url = f"/after-sales/{after_sale.number}/"
    missing = shopper.post(url, {"carrier_code": "SF", "tracking_no": ""})
    assert missing.status_code == 400 and "请填写快递单号" in _text(missing)
    unknown = shopper.post(url, {"carrier_code": "NOPE", "tracking_no": "SF1234567"})
    assert unknown.status_code == 400
    sent = shopper.post(url, {"carrier_code": "SF", "tracking_no": "SF1234567"}, follow=True)
    shown = _text(sent)
    assert "退货物流已提交" in shown and "退货物流：顺丰速运 SF1234567" in shown and "买家已退货" in shown
    assert "提交退货物流" not in shown and "撤销申请" not in shown
    late = _text(shopper.post(f"/after-sales/{after_sale.number}/cancel/", follow=True))
    assert "不能撤销" in late
    with schema_context(store_a.schema):
        after_sale.refresh_from_db()
        assert (after_sale.status, after_sale.return_tracking_no) == ("return_shipped", "SF1234567")
    connection.set_schema_to_public()


def test_nobody_else_sees_the_request_and_the_window_closes(shopper, store_a, sms_sandbox):
    number, line = _order(store_a, key="as000003", receive=True)
    made = shopper.post(f"/orders/{number}/after-sale/", {"kind": "exchange", "reason": "尺码或规格不合适",
                                                          f"q{line}": "1"})
    other = Client(HTTP_HOST=store_a.host)
    phone_login(other, "13500135999", sms_sandbox)
    assert other.get(made["Location"]).status_code == 404
    assert other.get(f"/orders/{number}/after-sale/").status_code == 404
    assert 'data-after-sale' not in _text(other.get("/after-sales/"))

    with schema_context(store_a.schema):
        Order.objects.filter(number=number).update(received_at=timezone.now() - timedelta(days=60))
    connection.set_schema_to_public()
    assert "申请售后" not in _text(shopper.get(f"/orders/{number}/"))
    closed = shopper.get(f"/orders/{number}/after-sale/", follow=True)
    assert "这个订单现在不能申请售后" in _text(closed)
