"""A sandbox of the WeChat mini-program server API (api.weixin.qq.com) as a WSGI app.

Endpoints: GET cgi-bin/token, GET sns/jscode2session, POST wxa/business/getuserphonenumber,
POST wxa/getwxacodeunlimit. Identities are derived from the login code, so the same code is the same
shopper every time (real codes are single-use, but a person's openid is stable). A code starting with
"invalid" is refused with WeChat's errcode 40029, a secret starting with "invalid" with 40125. The token
endpoint serves official accounts alike.

Web OAuth of an official account (open.weixin.qq.com/connect/ and api.weixin.qq.com/sns/): GET
connect/oauth2/authorize is the page WeChat's browser would show, asking which sandbox WeChat user is
browsing (remembered in a cookie, so snsapi_base is silent the next time, as in WeChat) and, for
snsapi_userinfo, for consent; it redirects back with a single-use code (five minutes) that
GET sns/oauth2/access_token exchanges for the user's openid under that appid, and the unionid the
mini-program login gives the same user; GET sns/userinfo gives their nickname.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import secrets
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode

import segno

SCENE_MAX = 32
OAUTH_CODE_TTL_S = 300
USER_COOKIE = "sandbox_wechat_user"
_oauth_codes: dict[str, tuple[str, str, str, float]] = {}  # code -> (appid, user, scope, issued at)
_oauth_tokens: dict[str, tuple[str, str]] = {}  # access token -> (appid, user)
_oauth_lock = threading.Lock()


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def openid_for(appid: str, code: str) -> str:
    return "o" + _digest("openid", appid, code)[:27]


def unionid_for(code: str) -> str:
    return "u" + _digest("unionid", code)[:27]


def _reply(start_response, payload: dict | bytes, *, content_type: str = "application/json") -> list[bytes]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


_AUTHORIZE_PAGE = """<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>微信授权（沙箱）</title>
<style>body{{font:15px system-ui,sans-serif;max-width:420px;margin:40px auto;padding:0 16px}}
input,button{{font:inherit;padding:8px;width:100%;margin:6px 0;box-sizing:border-box}}
button{{background:#07c160;color:#fff;border:0;border-radius:6px}}.deny{{background:#eee;color:#333}}</style></head>
<body><h1>微信授权（沙箱）</h1><p>{asks}</p>
<form method="get"><input type="hidden" name="appid" value="{appid}">
<input type="hidden" name="redirect_uri" value="{redirect_uri}"><input type="hidden" name="scope" value="{scope}">
<input type="hidden" name="state" value="{state}"><input type="hidden" name="response_type" value="code">
<label>沙箱微信用户 <input name="user" value="{user}" required maxlength="40" autocomplete="off"></label>
<button name="consent" value="allow">允许</button><button class="deny" name="consent" value="deny">拒绝</button>
</form></body></html>"""


def _authorize(environ, start_response, query: dict) -> list[bytes]:
    """WeChat's authorisation page: silent for snsapi_base once the browser's user is known."""
    appid, redirect_uri, scope = query.get("appid", ""), query.get("redirect_uri", ""), query.get("scope", "")
    if not appid or not redirect_uri.startswith(("http://", "https://")) or \
            scope not in ("snsapi_base", "snsapi_userinfo"):
        return _reply(start_response, b"<p>10003 redirect_uri or scope is invalid</p>", content_type="text/html")
    cookies = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    try:  # the user's name, hex-encoded (a cookie value is ASCII)
        remembered = bytes.fromhex(cookies[USER_COOKIE].value).decode() if USER_COOKIE in cookies else ""
    except ValueError:
        remembered = ""
    user = query.get("user", "").strip()[:40]
    consent = query.get("consent", "")
    if not user and remembered and scope == "snsapi_base":
        user, consent = remembered, "allow"
    if not user or consent not in ("allow", "deny"):
        asks = "网页申请获取你的昵称、头像" if scope == "snsapi_userinfo" else "以你的微信身份打开网页"
        page = _AUTHORIZE_PAGE.format(asks=asks, appid=html.escape(appid), redirect_uri=html.escape(redirect_uri),
                                      scope=scope, state=html.escape(query.get("state", "")),
                                      user=html.escape(remembered))
        return _reply(start_response, page.encode(), content_type="text/html; charset=utf-8")
    back = {"state": query.get("state", "")}
    if consent == "allow":
        code = "sbx" + secrets.token_hex(12)
        with _oauth_lock:
            _oauth_codes[code] = (appid, user, scope, time.time())
        back = {"code": code, **back}
    location = redirect_uri + ("&" if "?" in redirect_uri else "?") + urlencode(back)
    start_response("302 Found", [("Location", location), ("Content-Length", "0"),
                                 ("Set-Cookie", f"{USER_COOKIE}={user.encode().hex()}; Path=/; HttpOnly")])
    return [b""]


def _oauth_access_token(start_response, query: dict) -> list[bytes]:
    with _oauth_lock:
        found = _oauth_codes.pop(query.get("code", ""), None)
    if found is None or time.time() - found[3] > OAUTH_CODE_TTL_S:
        return _reply(start_response, {"errcode": 40029, "errmsg": "invalid code"})
    appid, user, scope, _issued = found
    if appid != query.get("appid") or not query.get("secret") or query["secret"].startswith("invalid"):
        return _reply(start_response, {"errcode": 40125, "errmsg": "invalid appsecret"})
    token = "sbxat" + secrets.token_hex(16)
    with _oauth_lock:
        _oauth_tokens[token] = (appid, user)
    return _reply(start_response, {"access_token": token, "expires_in": 7200, "refresh_token": "sbxrt" + token[5:],
                                   "openid": openid_for(appid, user), "unionid": unionid_for(user), "scope": scope})


def _oauth_userinfo(start_response, query: dict) -> list[bytes]:
    with _oauth_lock:
        found = _oauth_tokens.get(query.get("access_token", ""))
    if found is None or openid_for(found[0], found[1]) != query.get("openid"):
        return _reply(start_response, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"})
    user = found[1]
    return _reply(start_response, {"openid": query["openid"], "nickname": user, "sex": 0, "province": "",
                                   "city": "", "country": "CN", "headimgurl": "", "privilege": [],
                                   "unionid": unionid_for(user)})


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if path.endswith("/connect/oauth2/authorize"):
        return _authorize(environ, start_response, query)
    if path.endswith("/sns/oauth2/access_token"):
        return _oauth_access_token(start_response, query)
    if path.endswith("/sns/userinfo"):
        return _oauth_userinfo(start_response, query)
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
    if path.endswith("/cgi-bin/token"):
        if not query.get("appid") or not query.get("secret"):
            return _reply(start_response, {"errcode": 40013, "errmsg": "invalid appid"})
        if query["secret"].startswith("invalid"):
            return _reply(start_response, {"errcode": 40125, "errmsg": "invalid appsecret"})
        token = "sandbox-" + _digest("token", query["appid"], query["secret"])[:32]
        return _reply(start_response, {"access_token": token, "expires_in": 7200})
    if path.endswith("/sns/jscode2session"):
        code, appid = query.get("js_code", ""), query.get("appid", "")
        if not code or code.startswith("invalid") or not appid or not query.get("secret"):
            return _reply(start_response, {"errcode": 40029, "errmsg": "invalid code"})
        session_key = base64.b64encode(bytes.fromhex(_digest("session", appid, code)[:32])).decode()
        return _reply(start_response, {"openid": openid_for(appid, code), "unionid": unionid_for(code),
                                       "session_key": session_key})
    if path.endswith("/wxa/business/getuserphonenumber"):
        code = body.get("code", "")
        if not code:
            return _reply(start_response, {"errcode": 40029, "errmsg": "invalid code"})
        number = "139" + str(int(_digest("phone", code), 16))[:8]
        return _reply(start_response, {"errcode": 0, "errmsg": "ok", "phone_info": {
            "phoneNumber": number, "purePhoneNumber": number, "countryCode": "86"}})
    if path.endswith("/wxa/getwxacodeunlimit"):
        scene = body.get("scene", "")
        if not scene or len(scene) > SCENE_MAX:
            return _reply(start_response, {"errcode": 40169, "errmsg": "invalid length for scene"})
        buffer = io.BytesIO()
        segno.make(f"sandbox-wxacode:{body.get('page', '')}?scene={scene}").save(buffer, kind="png", scale=10)
        return _reply(start_response, buffer.getvalue(), content_type="image/png")
    return _reply(start_response, {"errcode": 40001, "errmsg": f"unknown endpoint {path}"})
