"""A sandbox of WeChat Pay API v3 (api.mch.weixin.qq.com) as a WSGI app, speaking the real protocol:
requests must carry a valid ``WECHATPAY2-SHA256-RSA2048`` signature of a registered merchant; every
response is signed with the sandbox's platform key (``ts\\nnonce\\nbody\\n``) and names its key id in
``Wechatpay-Serial``; payments are settled by a signed notification whose resource is AES-256-GCM
encrypted with the merchant's APIv3 key and POSTed to the notify_url given at prepay.

Endpoints: POST /v3/pay/transactions/jsapi and /h5, GET /v3/pay/transactions/out-trade-no/{no},
POST /v3/pay/transactions/out-trade-no/{no}/close, and the sandbox's own stand-ins for the shopper's side:
POST /sandbox/pay/{no} (the shopper "pays": the notification is delivered before the reply); GET and POST
/sandbox/checkout/{no}, the cashier page an H5 payment's ``h5_url`` opens (it shows the amount; paying
delivers the notification, then goes to the ``redirect_url`` the store appended, as WeChat's does); and
POST /sandbox/jsapi, what WeChat's ``getBrandWCPayRequest`` does with a JSAPI payment's parameters: their
``paySign`` is checked with the merchant's key before the payment is made.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
_AUTH = re.compile(r'(\w+)="([^"]*)"')


def new_key_pem() -> tuple[str, str]:
    """(private PEM, public PEM) of a fresh 2048-bit RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@dataclass
class Merchant:
    mchid: str
    appid: str
    public_key_pem: str  # verifies the merchant's request signatures
    serial_no: str
    apiv3_key: str


@dataclass
class Transaction:
    out_trade_no: str
    mchid: str
    appid: str
    total_fen: int
    openid: str
    notify_url: str
    state: str = "NOTPAY"
    transaction_id: str = ""
    success_time: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class RefundRecord:
    out_refund_no: str
    out_trade_no: str
    refund_fen: int
    total_fen: int
    notify_url: str
    refund_id: str
    status: str = "PROCESSING"


class WeChatPaySandbox:
    def __init__(self, *, platform_private_key_pem: str, platform_key_id: str):
        self._platform_key = serialization.load_pem_private_key(platform_private_key_pem.encode(), password=None)
        self.platform_key_id = platform_key_id
        self.merchants: dict[str, Merchant] = {}
        self.transactions: dict[str, Transaction] = {}
        self.prepays: dict[str, str] = {}  # prepay_id -> out_trade_no
        self.refunds: dict[str, RefundRecord] = {}
        # Merchant transfers (commission payouts): out_bill_no -> bill. Tests may set a bill's outcome to
        # "FAIL" in transfer_outcomes before querying it.
        self.transfers: dict[str, dict] = {}
        self.transfer_outcomes: dict[str, str] = {}
        self._lock = threading.Lock()

    # --- protocol pieces (also used by tests to forge, replay or delay) ------------------------------

    def sign(self, timestamp: str, nonce: str, body: str) -> str:
        signature = self._platform_key.sign(f"{timestamp}\n{nonce}\n{body}\n".encode(), padding.PKCS1v15(),
                                            hashes.SHA256())
        return base64.b64encode(signature).decode()

    def signed_headers(self, body: str, *, timestamp: int | None = None) -> dict[str, str]:
        ts, nonce = str(timestamp or int(time.time())), uuid.uuid4().hex.upper()
        return {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce, "Wechatpay-Signature": self.sign(ts, nonce, body),
                "Wechatpay-Serial": self.platform_key_id, "Wechatpay-Signature-Type": SIGNATURE_TYPE}

    def notification(self, out_trade_no: str, *, timestamp: int | None = None) -> tuple[dict[str, str], str]:
        """(headers, body) of the TRANSACTION.SUCCESS notification for a paid transaction."""
        tx = self.transactions[out_trade_no]
        merchant = self.merchants[tx.mchid]
        resource = {
            "mchid": tx.mchid, "appid": tx.appid, "out_trade_no": tx.out_trade_no,
            "transaction_id": tx.transaction_id, "trade_type": tx.extra.get("trade_type", "JSAPI"),
            "trade_state": tx.state,
            "trade_state_desc": "支付成功", "bank_type": "OTHERS", "success_time": tx.success_time,
            "payer": {"openid": tx.openid}, "amount": {"total": tx.total_fen, "payer_total": tx.total_fen,
                                                       "currency": "CNY", "payer_currency": "CNY"},
        }
        nonce = secrets.token_hex(6)
        ciphertext = AESGCM(merchant.apiv3_key.encode()).encrypt(
            nonce.encode(), json.dumps(resource, ensure_ascii=False).encode(), b"transaction")
        body = json.dumps({
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"notify:{tx.transaction_id}")),
            "create_time": datetime.now(UTC).isoformat(timespec="seconds"),
            "resource_type": "encrypt-resource", "event_type": "TRANSACTION.SUCCESS", "summary": "支付成功",
            "resource": {"original_type": "transaction", "algorithm": "AEAD_AES_256_GCM",
                         "ciphertext": base64.b64encode(ciphertext).decode(), "associated_data": "transaction",
                         "nonce": nonce},
        }, ensure_ascii=False)
        return self.signed_headers(body, timestamp=timestamp), body

    def _encrypted_event(self, *, merchant: Merchant, event_type: str, event_id: str, resource: dict,
                         associated_data: str, summary: str, timestamp: int | None) -> tuple[dict[str, str], str]:
        nonce = secrets.token_hex(6)
        ciphertext = AESGCM(merchant.apiv3_key.encode()).encrypt(
            nonce.encode(), json.dumps(resource, ensure_ascii=False).encode(), associated_data.encode())
        body = json.dumps({
            "id": event_id, "create_time": datetime.now(UTC).isoformat(timespec="seconds"),
            "resource_type": "encrypt-resource", "event_type": event_type, "summary": summary,
            "resource": {"original_type": associated_data, "algorithm": "AEAD_AES_256_GCM",
                         "ciphertext": base64.b64encode(ciphertext).decode(), "associated_data": associated_data,
                         "nonce": nonce},
        }, ensure_ascii=False)
        return self.signed_headers(body, timestamp=timestamp), body

    def refund_notification(self, out_refund_no: str, *, status: str = "SUCCESS",
                            timestamp: int | None = None) -> tuple[dict[str, str], str]:
        """(headers, body) of the refund's notification: REFUND.SUCCESS, or REFUND.ABNORMAL / REFUND.CLOSED
        for a refund WeChat could not complete. The refund takes that status."""
        refund = self.refunds[out_refund_no]
        refund.status = status
        tx = self.transactions[refund.out_trade_no]
        resource = {"mchid": tx.mchid, "out_trade_no": tx.out_trade_no, "transaction_id": tx.transaction_id,
                    "out_refund_no": refund.out_refund_no, "refund_id": refund.refund_id, "refund_status": status,
                    "amount": {"total": refund.total_fen, "refund": refund.refund_fen,
                               "payer_total": tx.total_fen, "payer_refund": refund.refund_fen}}
        if status == "SUCCESS":
            resource["success_time"] = datetime.now(UTC).isoformat(timespec="seconds")
        summary = {"SUCCESS": "退款成功", "ABNORMAL": "退款异常", "CLOSED": "退款关闭"}[status]
        return self._encrypted_event(merchant=self.merchants[tx.mchid], event_type=f"REFUND.{status}",
                                     event_id=str(uuid.uuid5(uuid.NAMESPACE_URL,
                                                             f"refund:{refund.refund_id}:{status}")),
                                     resource=resource, associated_data="refund", summary=summary,
                                     timestamp=timestamp)

    def pay(self, out_trade_no: str) -> Transaction:
        with self._lock:
            tx = self.transactions[out_trade_no]
            if tx.state != "SUCCESS":
                tx.state, tx.transaction_id = "SUCCESS", "42000" + secrets.token_hex(12)
                tx.success_time = datetime.now(UTC).isoformat(timespec="seconds")
        return tx

    def deliver(self, out_trade_no: str) -> int:
        headers, body = self.notification(out_trade_no)
        url = urlsplit(self.transactions[out_trade_no].notify_url)
        target = url.geturl()
        if url.hostname == "localhost" or (url.hostname or "").endswith(".localhost"):
            # Store hosts in development are {slug}.localhost, which browsers resolve and Python's resolver
            # does not: connect to the loopback address and name the store in the Host header.
            target = url._replace(netloc=f"127.0.0.1:{url.port or 80}").geturl()
            headers = {**headers, "Host": url.netloc}
        response = requests.post(target, data=body.encode(), headers={**headers, "Content-Type": "application/json"},
                                 timeout=10)
        return response.status_code

    def _prepay(self, tx: Transaction) -> tuple[str, str] | None:
        """Record a prepared transaction; (code, message) when WeChat would refuse it."""
        with self._lock:
            existing = self.transactions.get(tx.out_trade_no)
            if existing and existing.state == "SUCCESS":
                return "ORDERPAID", "already paid"
            if existing and existing.state == "CLOSED":
                return "ORDERCLOSED", "order closed"
            self.transactions[tx.out_trade_no] = tx
            prepay_id = "wx" + uuid.uuid4().hex
            self.prepays[prepay_id] = tx.out_trade_no
            tx.extra["prepay_id"] = prepay_id
        return None

    def _cashier(self, environ, start_response, out_trade_no: str) -> list[bytes]:
        """The H5 cashier: a page showing what is paid for, and the button that pays."""
        tx = self.transactions.get(out_trade_no)
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if tx is None:
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return ["订单不存在".encode()]
        if environ["REQUEST_METHOD"] == "POST":
            form = {k: v[-1] for k, v in parse_qs(environ["wsgi.input"].read(
                int(environ.get("CONTENT_LENGTH") or 0)).decode()).items()}
            if tx.state == "NOTPAY":
                self.pay(out_trade_no)
                self.deliver_quietly(out_trade_no)
            back = form.get("redirect_url", "")
            if back.startswith(("http://", "https://")):
                start_response("302 Found", [("Location", back), ("Content-Length", "0")])
                return [b""]
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return ["支付完成".encode()]
        page = f"""<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>微信支付（沙箱）</title>
<style>body{{font:15px system-ui,sans-serif;max-width:420px;margin:40px auto;padding:0 16px;text-align:center}}
.amount{{font-size:32px;font-weight:600}}button{{font:inherit;width:100%;padding:12px;background:#07c160;color:#fff;
border:0;border-radius:6px}}</style></head><body><h1>微信支付（沙箱）</h1><p>商户订单 {html.escape(out_trade_no)}</p>
<p class="amount">¥{tx.total_fen // 100}.{tx.total_fen % 100:02d}</p>
{"<p>这笔订单已支付</p>" if tx.state == "SUCCESS" else ""}
<form method="post"><input type="hidden" name="redirect_url" value="{html.escape(query.get("redirect_url", ""))}">
<button type="submit">确认支付</button></form></body></html>"""
        body = page.encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
        return [body]

    def _jsapi_paid(self, start_response, body: str) -> list[bytes]:
        """getBrandWCPayRequest: the parameters must carry a paySign the merchant's key made."""
        params = json.loads(body or "{}")
        prepay_id = str(params.get("package", "")).removeprefix("prepay_id=")
        tx = self.transactions.get(self.prepays.get(prepay_id, ""))
        if tx is None:
            return self._reply(start_response, 400, {"err_msg": "get_brand_wcpay_request:fail prepay_id"})
        merchant = self.merchants[tx.mchid]
        message = "".join(f"{params.get(name)}\n" for name in ("appId", "timeStamp", "nonceStr", "package"))
        key = serialization.load_pem_public_key(merchant.public_key_pem.encode())
        try:
            key.verify(base64.b64decode(params.get("paySign", "")), message.encode(), padding.PKCS1v15(),
                       hashes.SHA256())
        except (InvalidSignature, ValueError):
            return self._reply(start_response, 400, {"err_msg": "get_brand_wcpay_request:fail sign"})
        if params.get("appId") != tx.appid:
            return self._reply(start_response, 400, {"err_msg": "get_brand_wcpay_request:fail appid"})
        if tx.state == "NOTPAY":
            self.pay(tx.out_trade_no)
            self.deliver_quietly(tx.out_trade_no)
        return self._reply(start_response, 200, {"err_msg": "get_brand_wcpay_request:ok"})

    def deliver_quietly(self, out_trade_no: str) -> int | None:
        """Deliver the notification as WeChat does after a shopper pays: a store that cannot be reached just
        misses it (WeChat would retry later; the store's query of the payment settles it meanwhile)."""
        try:
            return self.deliver(out_trade_no)
        except requests.RequestException:
            return None

    # --- WSGI ------------------------------------------------------------------------------------------

    def _reply(self, start_response, status: int, payload: dict | None) -> list[bytes]:
        body = json.dumps(payload, ensure_ascii=False) if payload is not None else ""
        headers = [("Content-Type", "application/json"), *self.signed_headers(body).items()]
        start_response(f"{status} {'OK' if status < 400 else 'ERROR'}", headers)
        return [body.encode()]

    def _authenticated(self, environ, method: str, path: str, body: str) -> Merchant | None:
        fields = dict(_AUTH.findall(environ.get("HTTP_AUTHORIZATION", "")))
        merchant = self.merchants.get(fields.get("mchid", ""))
        if merchant is None or fields.get("serial_no") != merchant.serial_no:
            return None
        message = f"{method}\n{path}\n{fields.get('timestamp')}\n{fields.get('nonce_str')}\n{body}\n".encode()
        key = serialization.load_pem_public_key(merchant.public_key_pem.encode())
        try:
            key.verify(base64.b64decode(fields.get("signature", "")), message, padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError):
            return None
        return merchant

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
        if method == "POST" and path.startswith("/sandbox/pay/"):
            out_trade_no = path.rsplit("/", 1)[-1]
            if out_trade_no not in self.transactions:
                return self._reply(start_response, 404, {"code": "ORDER_NOT_EXIST", "message": "no such order"})
            self.pay(out_trade_no)
            return self._reply(start_response, 200, {"delivered_status": self.deliver(out_trade_no)})
        if path.startswith("/sandbox/checkout/"):
            return self._cashier({**environ, "wsgi.input": io.BytesIO(body.encode())}, start_response,
                                 path.rsplit("/", 1)[-1])
        if method == "POST" and path == "/sandbox/jsapi":
            return self._jsapi_paid(start_response, body)
        merchant = self._authenticated(environ, method, path + (f"?{query}" if query else ""), body)
        if merchant is None:
            return self._reply(start_response, 401, {"code": "SIGN_ERROR", "message": "signature verification failed"})
        if method == "POST" and path in ("/v3/pay/transactions/jsapi", "/v3/pay/transactions/h5"):
            data = json.loads(body)
            h5 = path.endswith("/h5")
            if h5 and not data.get("scene_info", {}).get("payer_client_ip"):
                return self._reply(start_response, 400, {"code": "PARAM_ERROR", "message": "scene_info required"})
            tx = Transaction(out_trade_no=data["out_trade_no"], mchid=data["mchid"], appid=data["appid"],
                             total_fen=data["amount"]["total"], openid=(data.get("payer") or {}).get("openid", ""),
                             notify_url=data["notify_url"], extra={"trade_type": "MWEB" if h5 else "JSAPI"})
            if refused := self._prepay(tx):
                return self._reply(start_response, 400, {"code": refused[0], "message": refused[1]})
            if not h5:
                return self._reply(start_response, 200, {"prepay_id": tx.extra["prepay_id"]})
            cashier = (f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '127.0.0.1')}"
                       f"{environ.get('SCRIPT_NAME', '')}/sandbox/checkout/{tx.out_trade_no}")
            return self._reply(start_response, 200, {"h5_url": f"{cashier}?prepay_id={tx.extra['prepay_id']}"})
        match = re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)(/close)?", path)
        if match and match.group(1) in self.transactions:
            tx = self.transactions[match.group(1)]
            if match.group(2) and method == "POST":
                if tx.state == "NOTPAY":
                    tx.state = "CLOSED"
                return self._reply(start_response, 204, None)
            return self._reply(start_response, 200, {
                "mchid": tx.mchid, "appid": tx.appid, "out_trade_no": tx.out_trade_no,
                "transaction_id": tx.transaction_id or None, "trade_state": tx.state,
                "success_time": tx.success_time or None, "payer": {"openid": tx.openid},
                "amount": {"total": tx.total_fen, "payer_total": tx.total_fen if tx.state == "SUCCESS" else 0,
                           "currency": "CNY"}})
        if match:
            return self._reply(start_response, 404, {"code": "ORDER_NOT_EXIST", "message": "no such order"})
        if method == "POST" and path == "/v3/refund/domestic/refunds":
            data = json.loads(body)
            tx = self.transactions.get(data.get("out_trade_no", ""))
            if tx is None or tx.state != "SUCCESS":
                return self._reply(start_response, 400, {"code": "RESOURCE_NOT_EXISTS", "message": "not paid"})
            with self._lock:
                refund = self.refunds.get(data["out_refund_no"])
                if refund is None:  # the same out_refund_no again is the same refund, never a second one
                    already = sum(r.refund_fen for r in self.refunds.values() if r.out_trade_no == tx.out_trade_no)
                    if already + data["amount"]["refund"] > tx.total_fen:
                        return self._reply(start_response, 400, {"code": "NOT_ENOUGH", "message": "over refund"})
                    refund = RefundRecord(out_refund_no=data["out_refund_no"], out_trade_no=tx.out_trade_no,
                                          refund_fen=data["amount"]["refund"], total_fen=data["amount"]["total"],
                                          notify_url=data.get("notify_url", ""),
                                          refund_id="5030" + secrets.token_hex(12))
                    self.refunds[refund.out_refund_no] = refund
            return self._reply(start_response, 200, {
                "refund_id": refund.refund_id, "out_refund_no": refund.out_refund_no, "status": refund.status,
                "amount": {"refund": refund.refund_fen, "total": refund.total_fen}})
        if method == "POST" and path == "/v3/fund-app/mch-transfer/transfer-bills":
            data = json.loads(body)
            with self._lock:  # the same out_bill_no is the same transfer, never a second payment
                bill = self.transfers.setdefault(data["out_bill_no"], {
                    "out_bill_no": data["out_bill_no"], "transfer_bill_no": "1330" + secrets.token_hex(12),
                    "openid": data["openid"], "transfer_amount": data["transfer_amount"], "state": "ACCEPTED",
                    "create_time": datetime.now(UTC).isoformat(timespec="seconds")})
            return self._reply(start_response, 200, {k: bill[k] for k in
                                                     ("out_bill_no", "transfer_bill_no", "state", "create_time")})
        transfer_match = re.fullmatch(r"/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/([^/]+)", path)
        if transfer_match:
            bill = self.transfers.get(transfer_match.group(1))
            if bill is None:
                return self._reply(start_response, 404, {"code": "NOT_FOUND", "message": "no such bill"})
            bill["state"] = self.transfer_outcomes.get(bill["out_bill_no"], "SUCCESS")
            return self._reply(start_response, 200, {**bill, "fail_reason": "PAYEE_ACCOUNT_ABNORMAL"
                                                     if bill["state"] == "FAIL" else ""})
        refund_match = re.fullmatch(r"/v3/refund/domestic/refunds/([^/]+)", path)
        if refund_match and refund_match.group(1) in self.refunds:
            refund = self.refunds[refund_match.group(1)]
            return self._reply(start_response, 200, {
                "refund_id": refund.refund_id, "out_refund_no": refund.out_refund_no, "status": refund.status})
        return self._reply(start_response, 404, {"code": "NOT_FOUND", "message": path})
