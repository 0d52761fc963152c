"""A sandbox of Tencent Cloud SMS (sms.tencentcloudapi.com, API 2021-01-11) as a WSGI app, speaking the real
protocol: a POST of JSON to ``/`` naming its action in ``X-TC-Action``, signed with TC3-HMAC-SHA256 by a
registered SecretId; a bad signature, an unknown SecretId or a timestamp more than five minutes off is refused
with Tencent Cloud's own error codes. Accepted messages are kept, newest first, and shown at ``GET /outbox``
(JSON, ``?phone=`` to filter): a developer or a test reads the login code there.

Tencent Cloud's API lives at the root of its host, so the sandbox dispatcher sends a root POST carrying
``X-TC-Action`` here; ``/sms/outbox`` is the outbox.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections import deque
from datetime import UTC, datetime
from urllib.parse import parse_qs

MAX_SKEW_S = 300
_AUTH = re.compile(r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/(\w+)/tc3_request, "
                   r"SignedHeaders=([\w;-]+), Signature=([0-9a-f]{64})$")
_PHONE = re.compile(r"\+861\d{10}")


def tc3_signature(*, secret_key: str, date: str, service: str, string_to_sign: str) -> str:
    def _hmac(key: bytes, text: str) -> bytes:
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode(), date), service), "tc3_request")
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


class TencentSmsSandbox:
    def __init__(self, *, credentials: dict[str, str], sdk_app_id: str, keep: int = 500):
        self.credentials = credentials  # SecretId -> SecretKey
        self.sdk_app_id = sdk_app_id
        self.outbox: deque[dict] = deque(maxlen=keep)
        self.clock = time.time  # tests move it to make a request's signature stale
        self._lock = threading.Lock()

    def messages(self, phone: str = "") -> list[dict]:
        with self._lock:
            return [m for m in self.outbox if not phone or m["phone"] == phone]

    def _reply(self, start_response, payload: dict, status: str = "200 OK") -> list[bytes]:
        body = json.dumps(payload, ensure_ascii=False).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def _error(self, start_response, code: str, message: str) -> list[bytes]:
        return self._reply(start_response, {"Response": {"Error": {"Code": code, "Message": message},
                                                         "RequestId": str(uuid.uuid4())}})

    def _refusal(self, environ, body: bytes) -> tuple[str, str] | None:
        """Tencent Cloud's reason to refuse the request's signature, or None when it is genuine."""
        found = _AUTH.match(environ.get("HTTP_AUTHORIZATION", ""))
        if found is None:
            return "AuthFailure.InvalidAuthorization", "Authorization header is malformed"
        secret_id, date, service, signed_headers, signature = found.groups()
        secret_key = self.credentials.get(secret_id)
        if secret_key is None:
            return "AuthFailure.SecretIdNotFound", "SecretId does not exist"
        try:
            timestamp = int(environ.get("HTTP_X_TC_TIMESTAMP", ""))
        except ValueError:
            return "AuthFailure.InvalidAuthorization", "X-TC-Timestamp is missing"
        if abs(self.clock() - timestamp) > MAX_SKEW_S:
            return "AuthFailure.SignatureExpire", "signature expired"
        if datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d") != date or service != "sms":
            return "AuthFailure.SignatureFailure", "credential scope does not match"
        values = {"content-type": environ.get("CONTENT_TYPE", ""), "host": environ.get("HTTP_HOST", "")}
        names = signed_headers.split(";")
        if not {"content-type", "host"} <= set(names) or not set(names) <= set(values):
            return "AuthFailure.SignatureFailure", "signed headers must be content-type and host"
        canonical = "\n".join([
            environ["REQUEST_METHOD"], environ.get("PATH_INFO", "") or "/", environ.get("QUERY_STRING", ""),
            "".join(f"{name}:{values[name]}\n" for name in names), signed_headers,
            hashlib.sha256(body).hexdigest()])
        string_to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), f"{date}/{service}/tc3_request",
                                    hashlib.sha256(canonical.encode()).hexdigest()])
        expected = tc3_signature(secret_key=secret_key, date=date, service=service, string_to_sign=string_to_sign)
        if not hmac.compare_digest(expected, signature):
            return "AuthFailure.SignatureFailure", "signature does not match"
        return None

    def __call__(self, environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        if method == "GET" and path == "/outbox":
            phone = parse_qs(environ.get("QUERY_STRING", "")).get("phone", [""])[-1]
            return self._reply(start_response, {"messages": self.messages(phone)})
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        if method != "POST" or path not in ("", "/"):
            return self._error(start_response, "UnsupportedOperation", f"{method} {path}")
        if refusal := self._refusal(environ, body):
            return self._error(start_response, *refusal)
        if environ.get("HTTP_X_TC_ACTION") != "SendSms" or environ.get("HTTP_X_TC_VERSION") != "2021-01-11":
            return self._error(start_response, "InvalidAction", "only SendSms of 2021-01-11 is sandboxed")
        request = json.loads(body or b"{}")
        if request.get("SmsSdkAppId") != self.sdk_app_id:
            return self._error(start_response, "FailedOperation.SmsSdkAppIdVerifyFail", "unknown SmsSdkAppId")
        if not request.get("SignName") or not str(request.get("TemplateId", "")).isdigit():
            return self._error(start_response, "FailedOperation.TemplateIncorrectOrUnapproved",
                               "sign name or template is not approved")
        statuses = []
        for phone in request.get("PhoneNumberSet") or []:
            serial = uuid.uuid4().hex
            if not _PHONE.fullmatch(phone):
                statuses.append({"SerialNo": "", "PhoneNumber": phone, "Fee": 0, "SessionContext": "",
                                 "Code": "InvalidParameterValue.IncorrectPhoneNumber",
                                 "Message": "incorrect phone number", "IsoCode": ""})
                continue
            with self._lock:
                self.outbox.appendleft({"serial_no": serial, "phone": phone.removeprefix("+86"),
                                        "template_id": request["TemplateId"], "sign_name": request["SignName"],
                                        "params": request.get("TemplateParamSet") or [], "sent_at": time.time()})
            statuses.append({"SerialNo": serial, "PhoneNumber": phone, "Fee": 1, "SessionContext": "",
                             "Code": "Ok", "Message": "send success", "IsoCode": "CN"})
        return self._reply(start_response, {"Response": {"SendStatusSet": statuses, "RequestId": str(uuid.uuid4())}})
