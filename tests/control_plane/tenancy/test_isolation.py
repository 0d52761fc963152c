"""A session or login of one store is useless on another store's host."""

from tests.conftest import PASSWORD, console_login


def test_console_session_of_alpha_is_useless_on_bravo(store_a, store_b, client):
    response = client.post("/console/login/", {"login": store_a.owner_login, "password": PASSWORD},
                           HTTP_HOST=store_a.host)
    assert response.status_code == 302
    assert client.get("/console/", HTTP_HOST=store_a.host).status_code == 200
    # Same cookie jar, other store: the session key does not exist in bravo's schema.
    assert client.get("/console/", HTTP_HOST=store_b.host).status_code == 302


def test_alpha_credentials_do_not_log_into_bravo(client_b, store_a):
    response = console_login(client_b, store_a.owner_login)
    assert response.status_code == 400


def test_each_store_logs_in_its_own_people(client_a, client_b, store_a, store_b):
    assert console_login(client_a, store_a.owner_login).status_code == 302
    assert console_login(client_b, store_b.owner_login).status_code == 302
    assert "Alpha 美妆" in client_a.get("/console/").content.decode()
    assert "Bravo 生鲜" in client_b.get("/console/").content.decode()


def test_operator_session_is_useless_on_a_store_console(operator_client, store_a):
    assert operator_client.get("/console/", HTTP_HOST=store_a.host).status_code == 302


def test_login_redirect_never_leaves_the_store(client_a, store_a):
    response = client_a.post("/console/login/?next=http://evil.test/", {"login": store_a.owner_login,
                                                                          "password": PASSWORD})
    assert response["Location"] == "/console/"
