"""/healthz answers for the platform host and every store host, and says which dependency is down."""


def test_healthy_on_platform_and_store_hosts(platform_client, client_a):
    for client in (platform_client, client_a):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_redis_down_is_a_503_naming_redis(platform_client, settings):
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"],
                                                      "LOCATION": "redis://127.0.0.1:1/0"}}
    response = platform_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "error"}
