"""The shopper's own pages: the profile (nickname, an avatar checked as an image, a birthday set once), favourites
kept from the product page, the products seen lately (newest first, cleared on request); a visitor is sent to log
in, and another shopper sees none of it."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.catalog.models import Product
from tenants.catalog.services import SkuInput, product_create
from tenants.members.models import BrowsingHistory, Favourite, Member
from tenants.privacy.models import PrivacyRequest
from tests.shop_api.test_h5_login import phone_login
from tests.shop_api.test_h5_reviews import photo

PHONE = "13600136000"


@pytest.fixture
def shopper(client_a, store_a, sms_sandbox):
    phone_login(client_a, PHONE, sms_sandbox)
    return client_a


@pytest.fixture
def products(store_a):
    with schema_context(store_a.schema):
        made = [product_create(title=title, publish=True, skus=[SkuInput(price_fen=price, stock=5)]).pk
                for title, price in (("玫瑰精油", 8800), ("保湿面霜", 9900))]
    connection.set_schema_to_public()
    return made


def _text(response) -> str:
    return unescape(response.content.decode())


def test_the_profile_takes_a_nickname_and_an_avatar(shopper, store_a):
    assert "编辑资料" in _text(shopper.get("/me/"))
    blank = shopper.post("/me/profile/", {"nickname": ""})
    assert blank.status_code == 400 and "请填写昵称" in _text(blank)
    fake = SimpleUploadedFile("me.png", b"<html>not an image</html>", content_type="image/png")
    refused = shopper.post("/me/profile/", {"nickname": "小雨", "avatar": fake})
    assert refused.status_code == 400
    with schema_context(store_a.schema):
        assert Member.objects.get(phone=PHONE).nickname != "小雨"  # nothing of the refused form was kept
    connection.set_schema_to_public()
    saved = shopper.post("/me/profile/", {"nickname": "小雨", "avatar": photo()}, follow=True)
    with schema_context(store_a.schema):
        member = Member.objects.get(phone=PHONE)
    connection.set_schema_to_public()
    assert member.nickname == "小雨" and member.avatar_url.startswith(f"/media/{store_a.schema}/avatars/")
    page = _text(saved)
    assert "资料已保存" in page and "小雨" in page and f'src="{member.avatar_url}"' in page


def test_the_birthday_is_set_once_from_the_profile(shopper, store_a):
    assert shopper.post("/me/profile/", {"nickname": "小雨", "birthday": "1995-06-01"}).status_code == 302
    assert 'value="1995-06-01"' in _text(shopper.get("/me/profile/"))
    changed = shopper.post("/me/profile/", {"nickname": "小雨", "birthday": "1995-06-02"})
    assert changed.status_code == 400 and "生日设置后不能修改" in _text(changed)
    with schema_context(store_a.schema):
        assert str(Member.objects.get(phone=PHONE).birthday) == "1995-06-01"
    connection.set_schema_to_public()


def test_favourites_are_kept_from_the_product_page(shopper, store_a, products, client_b):
    oil, cream = products
    visitor = Client(HTTP_HOST=store_a.host)
    assert "/login/?next=" in _text(visitor.get(f"/products/{oil}/"))  # a visitor logs in to favourite
    assert visitor.post(f"/products/{oil}/favourite/", {"on": "1"})["Location"].startswith("/login/")
    assert 'aria-pressed="false"' in _text(shopper.get(f"/products/{oil}/"))
    for product in (oil, cream, oil):  # favouriting twice is one favourite
        shopper.post(f"/products/{product}/favourite/", {"on": "1"})
    page = _text(shopper.get(f"/products/{oil}/"))
    assert 'aria-pressed="true"' in page and "已收藏" in page
    with schema_context(store_a.schema):
        Product.objects.filter(pk=cream).update(status=Product.Status.OFF_SALE)
    connection.set_schema_to_public()
    listed = _text(shopper.get("/me/favourites/"))
    assert listed.count("data-favourite=") == 2 and "¥88.00" in listed and "已下架" in listed
    removed = shopper.post(f"/products/{oil}/favourite/", {"on": "0", "next": "/me/favourites/"})
    assert removed["Location"] == "/me/favourites/"
    assert _text(shopper.get("/me/favourites/")).count("data-favourite=") == 1
    gone = _text(shopper.post(f"/products/{cream}/favourite/", {"on": "1"}, follow=True))
    assert "商品不存在" in gone  # an off-sale product cannot be favourited again
    assert shopper.post(f"/products/{oil}/favourite/", {"on": "1", "next": "https://evil.test/"}
                        )["Location"] == f"/products/{oil}/"


def test_products_seen_are_remembered_newest_first_and_cleared(shopper, store_a, products, sms_sandbox):
    oil, cream = products
    Client(HTTP_HOST=store_a.host).get(f"/products/{oil}/")  # a visitor's views are nobody's history
    for product in (oil, cream, oil):
        assert shopper.get(f"/products/{product}/").status_code == 200
    page = _text(shopper.get("/me/history/"))
    assert [int(n) for n in re.findall(r'data-seen="(\d+)"', page)] == [oil, cream]
    other = Client(HTTP_HOST=store_a.host)
    phone_login(other, "13600136999", sms_sandbox)
    assert "还没有浏览记录" in _text(other.get("/me/history/"))
    cleared = shopper.post("/me/history/", follow=True)
    assert "浏览记录已清空" in _text(cleared) and "还没有浏览记录" in _text(cleared)
    with schema_context(store_a.schema):
        assert not BrowsingHistory.objects.filter(member__phone=PHONE).exists()
        assert not Favourite.objects.exists()
    connection.set_schema_to_public()
    assert Client(HTTP_HOST=store_a.host).get("/me/history/")["Location"].startswith("/login/")


def test_the_shopper_downloads_their_data_and_deletes_their_account(shopper, store_a):
    assert "下载我的个人信息" in _text(shopper.get("/me/profile/"))
    download = shopper.get("/me/data.json")
    assert download["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert json.loads(download.content)["profile"]["phone"] == PHONE
    erased = shopper.post("/me/erase/")
    assert erased.status_code == 302 and erased["Location"] == "/"
    assert shopper.get("/me/")["Location"].startswith("/login/")  # signed out, the token no longer works
    with schema_context(store_a.schema):
        assert not Member.objects.filter(phone=PHONE).exists()
        assert PrivacyRequest.objects.filter(kind="delete", status="done").count() == 1
    connection.set_schema_to_public()
