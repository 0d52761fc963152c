"""Browser middlewares guard the consoles and the H5 pages and stay out of the shop API's way; the language
follows the browser everywhere."""

from django.test import Client

from tests.conftest import PASSWORD


def test_the_shop_api_gets_no_session_csrf_cookie_or_frame_options(store_a):
    response = Client(HTTP_HOST=store_a.host).get("/api/v1/catalog/products/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert not response.cookies
    assert "Cookie" not in response.headers.get("Vary", "")


def test_the_console_still_gets_them_all(store_a):
    client = Client(HTTP_HOST=store_a.host, enforce_csrf_checks=True)
    page = client.get("/console/login/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "csrftoken" in page.cookies
    # A form posted without its CSRF token is refused; with it, the owner signs in (a session).
    refused = client.post("/console/login/", {"login": store_a.owner_login, "password": PASSWORD})
    assert refused.status_code == 403
    token = page.cookies["csrftoken"].value
    signed_in = client.post("/console/login/", {"login": store_a.owner_login, "password": PASSWORD,
                                                "csrfmiddlewaretoken": token})
    assert signed_in.status_code == 302
    assert "sessionid" in signed_in.cookies


def test_the_language_follows_the_browser_and_is_declared(store_a):
    client = Client(HTTP_HOST=store_a.host)
    default = client.get("/console/login/")
    assert default.headers["Content-Language"] == "zh-hans"
    assert "Accept-Language" in default.headers["Vary"]
    english = client.get("/console/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert english.headers["Content-Language"] == "en"
    api = client.get("/api/v1/catalog/products/", HTTP_ACCEPT_LANGUAGE="en")
    assert api.headers["Content-Language"] == "en" and "Accept-Language" in api.headers["Vary"]
