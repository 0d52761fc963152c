"""The store's WeChat mini-program client (wechatpy). Access tokens are kept in Redis per store, and the
API base is WeChat's, or the local sandbox when the store's mini-program is in sandbox mode."""

from __future__ import annotations

from django.conf import settings
from redis import Redis
from wechatpy.client import WeChatClient
from wechatpy.oauth import WeChatOAuth
from wechatpy.session.redisstorage import RedisStorage

from core import crypto
from core.schema import current_schema

from .models import MiniProgram, OfficialAccount


class StoreWeChatClient(WeChatClient):
    """wechatpy hard-codes the token endpoint to api.weixin.qq.com; this one follows API_BASE_URL."""

    def fetch_access_token(self):
        return self._fetch_access_token(url=f"{self.API_BASE_URL}cgi-bin/token",
                                        params={"grant_type": "client_credential", "appid": self.appid,
                                                "secret": self.secret})


def miniprogram_client(app: MiniProgram | OfficialAccount) -> StoreWeChatClient:
    """The server API client of the store's mini-program or official account (the same API and token)."""
    base = settings.WECHAT_SANDBOX_BASE if app.sandbox else settings.WECHAT_API_BASE
    storage = RedisStorage(Redis.from_url(settings.REDIS_URL), prefix=f"wechatpy:{current_schema()}")
    client = StoreWeChatClient(app.appid, crypto.decrypt(app.secret_encrypted, keys=settings.FIELD_ENCRYPTION_KEYS),
                               session=storage, timeout=5)
    client.API_BASE_URL = base
    client.wxa.API_BASE_URL = base
    return client


def miniprogram_code_png(*, scene: str, page: str = "") -> bytes:
    """A mini-program code (wxacode.getUnlimited) carrying ``scene`` (at most 32 characters)."""
    app = MiniProgram.objects.get(singleton=1)
    client = miniprogram_client(app)
    response = client.wxa.get_wxa_code_unlimited(scene=scene, page=page or None)
    return response.content


class StoreWeChatOAuth(WeChatOAuth):
    """wechatpy's web OAuth client, with a timeout (it sets none)."""

    def _request(self, method, url_or_endpoint, **kwargs):
        kwargs.setdefault("timeout", 5)
        return super()._request(method, url_or_endpoint, **kwargs)


def official_account_oauth(app: OfficialAccount, *, redirect_uri: str, scope: str, state: str) -> StoreWeChatOAuth:
    """The web OAuth client of the store's official account: WeChat's, or the sandbox's in sandbox mode."""
    oauth = StoreWeChatOAuth(app.appid, crypto.decrypt(app.secret_encrypted, keys=settings.FIELD_ENCRYPTION_KEYS),
                             redirect_uri, scope=scope, state=state)
    if app.sandbox:
        oauth.API_BASE_URL = settings.WECHAT_SANDBOX_BASE
        oauth.OAUTH_BASE_URL = f"{settings.WECHAT_SANDBOX_BASE}connect/"
    return oauth
