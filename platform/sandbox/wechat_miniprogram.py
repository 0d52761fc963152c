"""A sandbox of the WeChat mini-program server API (api.weixin.qq.com) as a WSGI app.

Endpoints: GET cgi-bin/token, GET sns/jscode2session, POST wxa/business/getuserphonenumber,
POST wxa/getwxacodeunlimit. Identities are derived from the login code, so the same code is the same
shopper every time (real codes are single-use, but a person's openid is stable). A code starting with
"invalid" is refused with WeChat's errcode 40029, a secret starting with "invalid" with 40125. The token
endpoint serves official accounts alike.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from urllib.parse import parse_qs

import segno

SCENE_MAX = 32


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


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
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
