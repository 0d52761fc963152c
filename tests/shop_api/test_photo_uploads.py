"""The shop API's photo upload uses the same image checker as the console (tests/console/test_uploads.py)."""

from tests.console.test_uploads import bomb, polyglot
from tests.shop_api.conftest import api, login


def test_after_sale_photos_go_through_the_same_checker(wechat_sandbox, store_a):
    shopper = api(store_a.host, login(store_a.host, "photo-shopper"))
    stored = shopper.post("/api/v1/after-sales/photos/", {"photo": polyglot("receipt.html")}, format="multipart")
    assert stored.status_code == 201 and stored.json()["url"].endswith(".png")
    refused = shopper.post("/api/v1/after-sales/photos/", {"photo": bomb()}, format="multipart")
    assert refused.status_code == 400 and "photo" in refused.json()["fields"]
