"""A local Stripe that speaks the part of Stripe's HTTP API the billing app uses, for development and
tests, with the real ``stripe`` SDK pointed at it.

Served under ``/stripe`` by ``sandbox.server``: form-encoded requests with bracketed keys, JSON objects
shaped like the current API version (billing periods on subscription items, an invoice's subscription
under ``parent.subscription_details``), ``Idempotency-Key`` replay, Stripe-style error bodies, and
webhook events signed with Stripe's scheme (``t=<ts>,v1=<hmac>``) that the SDK verifies.

What localstripe lacks and this serves: Prices, Checkout Sessions (a hosted page that completes the
session), the customer portal (cancel at period end, change card), trials that really are ``trialing``
and ``customer.subscription.updated`` events. A test clock (``advance``) renews a subscription and
charges the customer's card, which the portal or a test can make fail.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

import requests

MONTH_S = 30 * 86400
YEAR_S = 365 * 86400


def parse_form(body: str) -> dict:
    """Stripe's form encoding (``items[0][price]=p``, ``metadata[k]=v``) back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


def sign_payload(payload: str, secret: str, timestamp: int) -> str:
    """The ``Stripe-Signature`` header value for ``payload`` (Stripe's v1 scheme)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


class StripeError(Exception):
    def __init__(self, status: int, message: str, *, code: str = "resource_missing", param: str = ""):
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param

    def body(self) -> dict:
        kind = "invalid_request_error" if self.status < 500 else "api_error"
        return {"error": {"type": kind, "code": self.code, "message": self.message, "param": self.param}}


@dataclass
class Delivery:
    """One signed webhook delivery: what an endpoint receives."""

    event_id: str
    payload: str
    signature: str


@dataclass
class StripeSandbox:
    webhook_secret: str = "whsec_sandbox"
    webhook_url: str = ""  # set: events are POSTed there (after a short delay, like Stripe); empty: only recorded
    public_base: str = ""  # where the hosted checkout and portal pages are reachable, e.g. http://127.0.0.1:8099/stripe
    state_file: Path | None = None
    clock_offset_s: int = 0
    objects: dict = field(default_factory=dict)  # id -> object
    events: list = field(default_factory=list)
    deliveries: list = field(default_factory=list)
    idempotent: dict = field(default_factory=dict)  # key -> (status, body)
    writes: list = field(default_factory=list)  # (path, Idempotency-Key) of every POST, for tests
    cards: dict = field(default_factory=dict)  # customer id -> "ok" | "fail"

    def __post_init__(self):
        self._lock = threading.RLock()
        if self.state_file and self.state_file.exists():
            saved = json.loads(self.state_file.read_text())
            self.objects, self.cards = saved["objects"], saved["cards"]
            self.clock_offset_s = saved.get("clock_offset_s", 0)

    # ---- clock, ids, events -------------------------------------------------------------------

    def now(self) -> int:
        return int(time.time()) + self.clock_offset_s

    @staticmethod
    def _id(prefix: str) -> str:
        return f"{prefix}_{secrets.token_hex(12)}"

    def _emit(self, kind: str, obj: dict) -> None:
        event = {"id": self._id("evt"), "object": "event", "type": kind, "created": self.now(), "livemode": False,
                 "api_version": "2025-09-30.clover", "pending_webhooks": 1,
                 "data": {"object": copy.deepcopy(obj)}, "request": {"id": None, "idempotency_key": None}}
        self.events.append(event)
        payload = json.dumps(event)
        delivery = Delivery(event["id"], payload, sign_payload(payload, self.webhook_secret, int(time.time())))
        self.deliveries.append(delivery)
        if self.webhook_url:
            threading.Timer(0.3, self._post, args=(delivery,)).start()

    def _post(self, delivery: Delivery) -> None:
        # Stripe retries for days; the sandbox does not: a later event (every one re-reads state) repairs it.
        with contextlib.suppress(requests.RequestException):
            requests.post(self.webhook_url, data=delivery.payload.encode(), timeout=10, headers={
                "Content-Type": "application/json", "Stripe-Signature": delivery.signature})

    def _save(self) -> None:
        if self.state_file:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            self.state_file.write_text(json.dumps({"objects": self.objects, "cards": self.cards,
                                                   "clock_offset_s": self.clock_offset_s}))

    def _get(self, object_id: str, kind: str) -> dict:
        obj = self.objects.get(object_id)
        if obj is None or obj["object"] != kind:
            raise StripeError(404, f"No such {kind}: '{object_id}'", param="id")
        return obj

    # ---- the API -------------------------------------------------------------------------------

    def handle(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        routes = [
            ("POST", r"/v1/customers", self.customer_create),
            ("GET", r"/v1/customers/(?P<oid>[\w]+)", lambda p, oid: self._get(oid, "customer")),
            ("POST", r"/v1/products", self.product_create),
            ("POST", r"/v1/products/(?P<oid>[\w]+)", self.product_update),
            ("GET", r"/v1/products/(?P<oid>[\w]+)", lambda p, oid: self._get(oid, "product")),
            ("POST", r"/v1/prices", self.price_create),
            ("GET", r"/v1/prices", self.price_list),
            ("POST", r"/v1/prices/(?P<oid>[\w]+)", self.price_update),
            ("GET", r"/v1/prices/(?P<oid>[\w]+)", lambda p, oid: self._get(oid, "price")),
            ("POST", r"/v1/checkout/sessions", self.checkout_create),
            ("GET", r"/v1/checkout/sessions/(?P<oid>[\w]+)", lambda p, oid: self._get(oid, "checkout.session")),
            ("POST", r"/v1/billing_portal/sessions", self.portal_create),
            ("GET", r"/v1/subscriptions/(?P<oid>[\w]+)", lambda p, oid: self._get(oid, "subscription")),
            ("POST", r"/v1/subscriptions/(?P<oid>[\w]+)", self.subscription_update),
            ("DELETE", r"/v1/subscriptions/(?P<oid>[\w]+)", self.subscription_cancel_now),
            ("GET", r"/v1/invoices/(?P<oid>[\w]+)", lambda p, oid: self._get(oid, "invoice")),
        ]
        for route_method, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                with self._lock:
                    result = handler(params, **match.groupdict())
                    if method != "GET":
                        self._save()
                    return 200, copy.deepcopy(result)
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).", code="resource_missing")

    def customer_create(self, p: dict) -> dict:
        customer = {"id": self._id("cus"), "object": "customer", "email": p.get("email"), "name": p.get("name"),
                    "metadata": p.get("metadata", {}), "created": self.now(), "livemode": False}
        self.objects[customer["id"]] = customer
        self.cards[customer["id"]] = "none"
        return customer

    def product_create(self, p: dict) -> dict:
        product = {"id": p.get("id") or self._id("prod"), "object": "product", "name": p["name"],
                   "active": p.get("active", "true") == "true", "metadata": p.get("metadata", {}),
                   "created": self.now()}
        if product["id"] in self.objects:
            raise StripeError(400, "Product already exists.", code="resource_already_exists", param="id")
        self.objects[product["id"]] = product
        return product

    def product_update(self, p: dict, oid: str) -> dict:
        product = self._get(oid, "product")
        if "name" in p:
            product["name"] = p["name"]
        if "active" in p:
            product["active"] = p["active"] == "true"
        product["metadata"].update(p.get("metadata", {}))
        return product

    def price_create(self, p: dict) -> dict:
        self._get(p.get("product", ""), "product")
        if "recurring" not in p:
            raise StripeError(400, "Billing needs recurring prices.", code="parameter_missing", param="recurring")
        lookup_key = p.get("lookup_key")
        if lookup_key and p.get("transfer_lookup_key") == "true":
            for other in self._prices():
                if other["lookup_key"] == lookup_key:
                    other["lookup_key"] = None
        price = {"id": self._id("price"), "object": "price", "product": p["product"], "active": True,
                 "currency": p["currency"], "unit_amount": int(p["unit_amount"]), "lookup_key": lookup_key,
                 "recurring": {"interval": p["recurring"]["interval"], "interval_count": 1},
                 "metadata": p.get("metadata", {}), "type": "recurring", "created": self.now()}
        self.objects[price["id"]] = price
        return price

    def _prices(self) -> list[dict]:
        return [o for o in self.objects.values() if o["object"] == "price"]

    def price_list(self, p: dict) -> dict:
        prices = self._prices()
        if "product" in p:
            prices = [x for x in prices if x["product"] == p["product"]]
        if "active" in p:
            prices = [x for x in prices if x["active"] == (p["active"] == "true")]
        if "lookup_keys" in p:
            prices = [x for x in prices if x["lookup_key"] in p["lookup_keys"]]
        return {"object": "list", "url": "/v1/prices", "has_more": False, "data": prices}

    def price_update(self, p: dict, oid: str) -> dict:
        price = self._get(oid, "price")
        if "active" in p:
            price["active"] = p["active"] == "true"
        return price

    def checkout_create(self, p: dict) -> dict:
        if p.get("mode") != "subscription":
            raise StripeError(400, "The sandbox serves subscription checkouts only.", code="parameter_invalid_string",
                              param="mode")
        items = p.get("line_items") or []
        if len(items) != 1:
            raise StripeError(400, "One line item is expected.", code="parameter_invalid_integer", param="line_items")
        price = self._get(items[0].get("price", ""), "price")
        if not price["active"]:
            raise StripeError(400, f"The price specified is inactive: {price['id']}", code="price_inactive")
        self._get(p.get("customer", ""), "customer")
        trial_end = int(p.get("subscription_data", {}).get("trial_end") or 0)
        if trial_end and trial_end < self.now() + 48 * 3600:
            raise StripeError(400, "trial_end must be at least 48 hours in the future.",
                              code="parameter_invalid_integer", param="subscription_data[trial_end]")
        session_id = "cs_test_" + secrets.token_hex(16)
        session = {"id": session_id, "object": "checkout.session", "mode": "subscription", "status": "open",
                   "payment_status": "unpaid", "customer": p["customer"], "subscription": None, "invoice": None,
                   "client_reference_id": p.get("client_reference_id"), "metadata": p.get("metadata", {}),
                   "success_url": p["success_url"], "cancel_url": p.get("cancel_url"), "url":
                   f"{self.public_base}/checkout/{session_id}", "created": self.now(),
                   "expires_at": self.now() + 86400, "amount_total": price["unit_amount"],
                   "currency": price["currency"],
                   "_price": price["id"], "_trial_end": trial_end, "_subscription_metadata":
                   p.get("subscription_data", {}).get("metadata", {})}
        self.objects[session_id] = session
        return session

    def portal_create(self, p: dict) -> dict:
        self._get(p.get("customer", ""), "customer")
        session = {"id": self._id("bps"), "object": "billing_portal.session", "customer": p["customer"],
                   "return_url": p.get("return_url"), "created": self.now(), "livemode": False}
        session["url"] = f"{self.public_base}/portal/{session['id']}"
        self.objects[session["id"]] = session
        return session

    def subscription_update(self, p: dict, oid: str) -> dict:
        sub = self._get(oid, "subscription")
        if sub["status"] == "canceled":
            raise StripeError(400, "A canceled subscription can only update its cancellation_details and metadata.",
                              code="resource_invalid_state")
        if "cancel_at_period_end" in p:
            sub["cancel_at_period_end"] = p["cancel_at_period_end"] == "true"
        sub["metadata"].update(p.get("metadata", {}))
        items = p.get("items") or []
        if items:
            item = sub["items"]["data"][0]
            if items[0].get("id") != item["id"]:
                raise StripeError(400, f"No such subscription item: '{items[0].get('id')}'", param="items[0][id]")
            old_price, new_price = item["price"], self._get(items[0]["price"], "price")
            item["price"] = new_price
            sub["plan"] = new_price
            if p.get("proration_behavior") == "always_invoice" and sub["status"] == "active":
                # Charge the difference for the rest of the period now (rounded to the minor unit).
                left = max(0, item["current_period_end"] - self.now())
                length = item["current_period_end"] - item["current_period_start"] or 1
                difference = (new_price["unit_amount"] - old_price["unit_amount"]) * left // length
                if difference > 0:
                    self._invoice(sub, difference, "subscription_update", item["current_period_start"],
                                  item["current_period_end"])
        self._emit("customer.subscription.updated", sub)
        return sub

    def subscription_cancel_now(self, p: dict, oid: str) -> dict:
        sub = self._get(oid, "subscription")
        sub["status"], sub["canceled_at"], sub["ended_at"] = "canceled", self.now(), self.now()
        self._emit("customer.subscription.deleted", sub)
        return sub

    # ---- what happens on Stripe's side: checkout, renewals, the portal -------------------------------

    def _invoice(self, sub: dict, amount: int, reason: str, period_start: int, period_end: int) -> dict:
        """Make an invoice for ``sub`` and try the customer's card. Returns the invoice."""
        invoice = {"id": self._id("in"), "object": "invoice", "customer": sub["customer"],
                   "number": f"SBX-{len([o for o in self.objects.values() if o['object'] == 'invoice']) + 1:05d}",
                   "currency": sub["currency"], "amount_due": amount, "amount_paid": 0, "amount_remaining": amount,
                   "status": "open", "billing_reason": reason, "created": self.now(), "attempt_count": 0,
                   "period_start": period_start, "period_end": period_end,
                   "lines": {"object": "list", "data": [{"period": {"start": period_start, "end": period_end},
                                                         "amount": amount}]},
                   "parent": {"type": "subscription_details",
                              "subscription_details": {"subscription": sub["id"], "metadata": sub["metadata"]}}}
        invoice["hosted_invoice_url"] = f"{self.public_base}/invoice/{invoice['id']}"
        self.objects[invoice["id"]] = invoice
        self._emit("invoice.created", invoice)
        self._charge(invoice)
        return invoice

    def _charge(self, invoice: dict) -> None:
        invoice["attempt_count"] += 1
        if invoice["amount_due"] == 0 or self.cards.get(invoice["customer"]) == "ok":
            invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0)
            self._emit("invoice.paid", invoice)
        else:
            self._emit("invoice.payment_failed", invoice)

    def checkout_complete(self, session_id: str, *, card: str = "ok") -> dict:
        """What the hosted checkout page does when the customer pays: the card is saved, the subscription
        starts (trialing when the session asked for a trial), its first invoice is paid, the session completes."""
        with self._lock:
            session = self._get(session_id, "checkout.session")
            if session["status"] != "open":
                raise StripeError(400, "This Checkout Session is no longer open.", code="checkout_session_completed")
            self.cards[session["customer"]] = card
            if card != "ok":
                raise StripeError(402, "Your card was declined.", code="card_declined")
            price = self.objects[session["_price"]]
            now, trial_end = self.now(), session["_trial_end"]
            start, end = now, (trial_end or now + (YEAR_S if price["recurring"]["interval"] == "year" else MONTH_S))
            sub = {"id": self._id("sub"), "object": "subscription", "customer": session["customer"],
                   "status": "trialing" if trial_end else "active", "currency": price["currency"],
                   "cancel_at_period_end": False, "canceled_at": None, "ended_at": None, "created": now,
                   "trial_start": now if trial_end else None, "trial_end": trial_end or None,
                   "metadata": dict(session["_subscription_metadata"]), "plan": price,
                   "items": {"object": "list", "data": [{
                       "id": self._id("si"), "object": "subscription_item", "price": price, "quantity": 1,
                       "current_period_start": start, "current_period_end": end}]}}
            sub["latest_invoice"] = None
            self.objects[sub["id"]] = sub
            self._emit("customer.subscription.created", sub)
            invoice = self._invoice(sub, 0 if trial_end else price["unit_amount"], "subscription_create", start, end)
            sub["latest_invoice"] = invoice["id"]
            session.update(status="complete", subscription=sub["id"], invoice=invoice["id"],
                           payment_status="no_payment_required" if trial_end else "paid")
            self._emit("checkout.session.completed", session)
            self._save()
            return session

    def advance(self, subscription_id: str) -> dict:
        """Move the clock to the end of the subscription's period and renew it (or end it, when it was set to
        cancel at period end): a trial converts, a period renews, the card is charged."""
        with self._lock:
            sub = self._get(subscription_id, "subscription")
            item = sub["items"]["data"][0]
            self.clock_offset_s += max(0, item["current_period_end"] - self.now()) + 1
            if sub["cancel_at_period_end"]:
                sub.update(status="canceled", canceled_at=self.now(), ended_at=self.now())
                self._emit("customer.subscription.deleted", sub)
                self._save()
                return sub
            price = item["price"]
            start = item["current_period_end"]
            end = start + (YEAR_S if price["recurring"]["interval"] == "year" else MONTH_S)
            item.update(current_period_start=start, current_period_end=end)
            invoice = self._invoice(sub, price["unit_amount"],
                                    "subscription_create" if sub["status"] == "trialing" else "subscription_cycle",
                                    start, end)
            sub["latest_invoice"] = invoice["id"]
            sub["status"] = "active" if invoice["status"] == "paid" else "past_due"
            self._emit("customer.subscription.updated", sub)
            self._save()
            return sub

    def card_update(self, customer_id: str, card: str) -> None:
        """The customer changes card (in the portal). A working card pays open invoices, as Stripe retries do."""
        with self._lock:
            self._get(customer_id, "customer")
            self.cards[customer_id] = card
            if card == "ok":
                for invoice in [o for o in self.objects.values() if o["object"] == "invoice"
                                and o["customer"] == customer_id and o["status"] == "open"]:
                    self._charge(invoice)
                    sub = self.objects[invoice["parent"]["subscription_details"]["subscription"]]
                    if sub["status"] == "past_due":
                        sub["status"] = "active"
                        self._emit("customer.subscription.updated", sub)
            self._save()

    def portal_cancel(self, customer_id: str, *, at_period_end: bool = True) -> None:
        with self._lock:
            for sub in [o for o in self.objects.values() if o["object"] == "subscription"
                        and o["customer"] == customer_id and o["status"] != "canceled"]:
                sub["cancel_at_period_end"] = at_period_end
                self._emit("customer.subscription.updated", sub)
            self._save()

    # ---- WSGI ----------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length).decode() if length else ""
        if path.startswith(("/checkout/", "/portal/", "/invoice/")):
            return self._page(method, path, parse_form(raw), start_response)
        params = parse_form(environ.get("QUERY_STRING", "") if method in ("GET", "DELETE") else raw)
        if not environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer sk_"):
            return self._json(start_response, 401, {"error": {"type": "invalid_request_error",
                                                              "message": "You did not provide an API key."}})
        key = environ.get("HTTP_IDEMPOTENCY_KEY") if method == "POST" else None
        if method == "POST":
            self.writes.append((path, key))
        with self._lock:  # one request at a time, so a key and its first response are stored together
            if key in self.idempotent:
                fingerprint, status, body = self.idempotent[key]
                if fingerprint != (path, raw):
                    status, body = 400, {"error": {"type": "idempotency_error", "message": (
                        "Keys for idempotent requests can only be used with the same parameters they were "
                        "first used with.")}}
                return self._json(start_response, status, body, replayed=True)
            try:
                status, body = self.handle(method, path, params)
            except StripeError as exc:
                status, body = exc.status, exc.body()
            if key and status < 500:
                self.idempotent[key] = ((path, raw), status, body)
        return self._json(start_response, status, body)

    @staticmethod
    def _json(start_response, status: int, body: dict, replayed: bool = False):
        headers = [("Content-Type", "application/json"), ("Request-Id", "req_" + secrets.token_hex(8))]
        if replayed:
            headers.append(("Idempotent-Replayed", "true"))
        start_response(f"{status} {'OK' if status == 200 else 'Error'}", headers)
        return [json.dumps(body).encode()]

    def _page(self, method: str, path: str, form: dict, start_response):
        kind, object_id = path.strip("/").split("/", 1)
        try:
            if kind == "checkout":
                session = self._get(object_id, "checkout.session")
                if method == "POST":
                    self.checkout_complete(object_id, card=form.get("card", "ok"))
                    start_response("303 See Other", [("Location", session["success_url"])])
                    return [b""]
                price = self.objects[session["_price"]]
                product = self.objects[price["product"]]
                body = _CHECKOUT_PAGE.format(
                    product=html.escape(product["name"]), amount=f"{price['unit_amount'] / 100:.2f}",
                    currency=price["currency"].upper(), interval=price["recurring"]["interval"],
                    trial="（试用期结束后扣款）" if session["_trial_end"] else "",
                    cancel=html.escape(session.get("cancel_url") or ""), status=session["status"])
            elif kind == "invoice":
                invoice = self._get(object_id, "invoice")
                body = _INVOICE_PAGE.format(number=html.escape(invoice["number"]), status=invoice["status"],
                                            currency=invoice["currency"].upper(),
                                            amount=f"{invoice['amount_due'] / 100:.2f}",
                                            paid=f"{invoice['amount_paid'] / 100:.2f}")
            else:
                session = self._get(object_id, "billing_portal.session")
                if method == "POST":
                    action = form.get("action")
                    if action in ("card_ok", "card_fail"):
                        self.card_update(session["customer"], "ok" if action == "card_ok" else "fail")
                    elif action in ("cancel", "resume"):
                        self.portal_cancel(session["customer"], at_period_end=action == "cancel")
                    start_response("303 See Other", [("Location", session["return_url"])])
                    return [b""]
                body = _PORTAL_PAGE.format(back=html.escape(session.get("return_url") or ""),
                                           card=self.cards.get(session["customer"], "none"))
        except StripeError as exc:
            start_response(f"{exc.status} Error", [("Content-Type", "text/plain; charset=utf-8")])
            return [exc.message.encode()]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode()]


_CHECKOUT_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>Stripe Checkout (sandbox)</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<p style="color:#635bff;font-weight:bold">Stripe Checkout · sandbox</p>
<h1>{product}</h1><p id="amount">{currency} {amount} / {interval} {trial}</p><p>status: {status}</p>
<form method="post"><label>Card <select name="card"><option value="ok">4242 4242 4242 4242</option>
<option value="fail">4000 0000 0000 0341 (declined)</option></select></label>
<p><button type="submit" id="pay">Subscribe</button> <a href="{cancel}">Cancel</a></p></form></body></html>"""

_PORTAL_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>Billing portal (sandbox)</title>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto"><h1>Billing portal · sandbox</h1>
<p>Card on file: {card}</p>
<form method="post"><button name="action" value="card_ok">Use a working card</button>
<button name="action" value="card_fail">Use a failing card</button>
<button name="action" value="cancel">Cancel at period end</button>
<button name="action" value="resume">Keep my plan</button></form>
<p><a href="{back}">Return</a></p></body></html>"""

_INVOICE_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>Invoice {number} (sandbox)</title>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto"><h1>Invoice {number}</h1>
<p id="invoice-amount">{currency} {amount} · paid {paid}</p><p>status: {status}</p></body></html>"""
