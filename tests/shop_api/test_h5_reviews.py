"""Product reviews: written on the H5 order page once the order is received (stars, words, photos checked as
images), one per line; moderated in the console (published, hidden, answered); the product page shows the
published ones and their average, which follows every publish and hide; another store sees none of it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from tenants.catalog.models import Product
from tenants.catalog.services import SkuInput, product_create
from tenants.members.models import Member
from tenants.orders.models import OrderSettings, Review
from tenants.orders.services import order_confirm_receipt, order_create, order_mark_paid, order_ship
from tests.conftest import console_login
from tests.factories import AddressFactory
from tests.shop_api.test_h5_login import phone_login

PHONE = "13400134000"


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 80), "#f4c2c2").save(buffer, "PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


def paid_order(store, *, key: str, receive: bool, phone: str = PHONE, quantity: int = 1):
    """A paid order of the shopper with ``phone``: one line of 保湿面霜 (¥99.00 each), shipped and received
    where asked; (number, line id, product id)."""
    with schema_context(store.schema):
        member = Member.objects.get(phone=phone)
        product = Product.objects.filter(title="保湿面霜").first() or product_create(
            title="保湿面霜", publish=True, skus=[SkuInput(price_fen=9900, stock=50)])
        address = member.addresses.first() or AddressFactory(member=member)
        order, _ = order_create(member=member, idempotency_key=key, address_id=address.pk,
                                items=[{"sku_id": product.skus.get().pk, "quantity": quantity}])
        order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id=f"42{key}",
                        paid_at=timezone.now())
        if receive:
            order_ship(order=order, carrier_code="SF", tracking_no=f"SF{key}", actor="staff")
            order_confirm_receipt(order=order, actor="member")
        line = order.lines.get()
    connection.set_schema_to_public()
    return order.number, line.pk, product.pk


@pytest.fixture
def shopper(client_a, store_a, sms_sandbox):
    phone_login(client_a, PHONE, sms_sandbox)
    return client_a


def _review(client: Client, number: str, line: int, **data):
    return client.post(f"/orders/{number}/review/", {f"l{line}-line": line, **{f"l{line}-{k}": v
                                                                               for k, v in data.items()}})


def test_a_review_waits_for_receipt_then_for_the_merchant(client_a, store_a, store_b, shopper):
    paid, _paid_line, _product = paid_order(store_a, receive=False, key="rv000001")
    assert "评价晒单" not in client_a.get(f"/orders/{paid}/").content.decode()
    assert client_a.get(f"/orders/{paid}/review/")["Location"] == f"/orders/{paid}/"  # nothing to review yet

    number, line, product = paid_order(store_a, receive=True, key="rv000002")
    assert "评价晒单" in client_a.get(f"/orders/{number}/").content.decode()
    bad = _review(client_a, number, line, text="好" * 501)
    assert bad.status_code == 400 and "请选择 1 到 5 星" in bad.content.decode()
    written = _review(client_a, number, line, rating=4, text="很滋润，味道淡淡的", photos=[photo(), photo()])
    assert written.status_code == 302 and "感谢你的评价" in client_a.get(written["Location"], follow=True
                                                                          ).content.decode()
    with schema_context(store_a.schema):
        review = Review.objects.get()
        assert review.status == Review.Status.PENDING and len(review.photos) == 2
        assert review.photos[0].startswith("/media/") and review.photos[0].endswith(".png")
    connection.set_schema_to_public()
    assert "很滋润" not in client_a.get(f"/products/{product}/").content.decode()  # not until it is published

    console = Client(HTTP_HOST=store_a.host)
    console_login(console, store_a.owner_login)
    queue = console.get("/console/reviews/").content.decode()
    assert "很滋润，味道淡淡的" in queue and f'data-review="{review.pk}"' in queue
    console.post("/console/reviews/", {"review": review.pk, "action": "publish"})
    console.post("/console/reviews/", {"review": review.pk, "action": "reply", "reply": "谢谢支持！"})
    page = client_a.get(f"/products/{product}/").content.decode()
    assert "很滋润" in page and "商家回复：谢谢支持！" in page and '<span class="score">4.0</span>' in page

    other = Client(HTTP_HOST=store_b.host)
    console_login(other, store_b.owner_login)
    assert "很滋润" not in other.get("/console/reviews/?status=all").content.decode()
    refused = other.post("/console/reviews/", {"review": review.pk, "action": "hide"})
    assert refused.status_code == 400  # store B's console cannot touch store A's review
    with schema_context(store_a.schema):
        assert Review.objects.get().status == Review.Status.PUBLISHED


def test_the_average_follows_publish_and_hide_and_a_line_is_reviewed_once(client_a, store_a, shopper):
    with schema_context(store_a.schema):
        OrderSettings.objects.update_or_create(singleton=1, defaults={"reviews_need_approval": False})
    connection.set_schema_to_public()
    first, first_line, product = paid_order(store_a, receive=True, key="rv000003")
    second, second_line, _product = paid_order(store_a, receive=True, key="rv000004")
    _review(client_a, first, first_line, rating=5, text="回购第三次")
    _review(client_a, second, second_line, rating=2)
    twice = _review(client_a, first, first_line, rating=1)
    assert twice.status_code == 302 and twice["Location"] == f"/orders/{first}/"  # no line left to review
    with schema_context(store_a.schema):
        assert Product.objects.values_list("rating_count", "rating_total").get(pk=product) == (2, 7)
    connection.set_schema_to_public()
    assert '<span class="score">3.5</span>' in client_a.get(f"/products/{product}/").content.decode()

    console = Client(HTTP_HOST=store_a.host)
    console_login(console, store_a.owner_login)
    with schema_context(store_a.schema):
        low = Review.objects.get(rating=2)
    connection.set_schema_to_public()
    console.post("/console/reviews/", {"review": low.pk, "action": "hide"})
    again = console.post("/console/reviews/", {"review": low.pk, "action": "hide"})
    assert again.status_code == 400 and "不能隐藏" in again.content.decode()
    with schema_context(store_a.schema):
        assert Product.objects.values_list("rating_count", "rating_total").get(pk=product) == (1, 5)
    connection.set_schema_to_public()
    assert '<span class="score">5.0</span>' in client_a.get(f"/products/{product}/").content.decode()


def test_a_photo_that_is_not_an_image_is_refused_in_place(client_a, store_a, shopper):
    number, line, _product = paid_order(store_a, receive=True, key="rv000005")
    fake = SimpleUploadedFile("x.png", b"<html>not an image</html>", content_type="image/png")
    refused = _review(client_a, number, line, rating=5, photos=[fake])
    assert refused.status_code == 400 and "请上传 JPG、PNG 或 WebP 图片" in refused.content.decode()
    with schema_context(store_a.schema):
        assert not Review.objects.exists()
