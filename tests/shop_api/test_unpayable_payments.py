"""Genuine WeChat Pay notifications that do not fit our records are never refused into endless redelivery:
a payment for an order that can no longer take it is recorded and goes back to the payer in full through the
normal refund path; unknown or failed refunds are acknowledged and queued for the merchant; a failure of our
own answers 503 with the notification kept, never 500."""

from __future__ import annotations

from unittest import mock

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from sandbox.wechatpay import Transaction
from tenants.members.models import Member
from tenants.orders.models import Order
from tenants.payments.models import Payment, PaymentIssue, Refund
from tenants.payments.refunds import refund_execute
from tenants.payments.selectors import payments_without_paid_order
from tenants.payments.tasks import payments_sweep
from tests.shop_api.conftest import api, post_notification


def _prepare(client, number):
    assert client.post("/api/v1/payments/wechatpay/prepare/", {"order_number": number},
                       format="json").status_code == 200


def _paid_after_cancelling(pending_order, gateway, store) -> str:
    """The shopper cancels, then pays on the payment page still open; WeChat notifies. The order's number."""
    client, number = pending_order
    _prepare(client, number)
    assert client.post(f"/api/v1/orders/{number}/cancel/", format="json").status_code == 200
    gateway.pay(number)
    assert post_notification(api(store.host), *gateway.notification(number)).status_code == 204
    return number


def _give_back(gateway, store, number, out_trade_no):
    """The return refund goes out once, under its deterministic number, and its notification completes it."""
    with schema_context(store.schema):
        refund = Refund.objects.get(out_refund_no=f"{out_trade_no}-R")
        assert (refund.reason, refund.amount_fen, refund.status) == ("unpayable_order", 7800, "pending")
        assert refund_execute(refund.pk) == "processing"
        assert refund_execute(refund.pk) == "processing"
    assert gateway.refunds[f"{out_trade_no}-R"].refund_fen == 7800
    assert post_notification(api(store.host), *gateway.refund_notification(f"{out_trade_no}-R")).status_code == 204
    with schema_context(store.schema):
        assert Payment.objects.get(out_trade_no=out_trade_no).status == "returned"
        assert not payments_without_paid_order().exists()
        kinds = list(Order.objects.get(number=number).events.values_list("kind", flat=True))
        assert kinds[-2:] == ["payment_returning", "payment_returned"]


def test_payment_for_an_order_the_shopper_cancelled_is_recorded_and_returned(pending_order, gateway, store_a):
    client, number = pending_order
    _prepare(client, number)
    assert client.post(f"/api/v1/orders/{number}/cancel/", format="json").status_code == 200
    gateway.pay(number)  # the shopper's payment page was still open
    notification = gateway.notification(number)
    for _ in range(3):  # redelivered: acknowledged every time, returned once
        assert post_notification(api(store_a.host), *notification).status_code == 204
    with schema_context(store_a.schema):
        order = Order.objects.get(number=number)
        assert order.status == "cancelled" and order.paid_fen == 0
        payment = Payment.objects.get(out_trade_no=number)
        assert (payment.status, payment.received_fen) == ("succeeded", 7800)
        assert list(payments_without_paid_order()) == [payment]  # the reconciliation check lists it
        issue = PaymentIssue.objects.get()
        assert (issue.kind, issue.reference, issue.order_id) == ("unpayable_order", number, order.pk)
    _give_back(gateway, store_a, number, number)


def test_payment_for_an_order_closed_by_the_sweep_is_returned(pending_order, gateway, store_a):
    client, number = pending_order
    _prepare(client, number)
    with schema_context(store_a.schema):
        later = timezone.now() + timezone.timedelta(hours=2)
        assert payments_sweep(now=later) == {"settled": 0, "cancelled": 1}
    gateway.pay(number)
    assert post_notification(api(store_a.host), *gateway.notification(number)).status_code == 204
    with schema_context(store_a.schema):
        assert Order.objects.get(number=number).status == "cancelled"
    _give_back(gateway, store_a, number, number)


def test_a_second_payment_of_a_paid_order_is_returned(pending_order, gateway, store_a):
    """Paid twice (e.g. the mini-program and an H5 page each opened a payment): the first pays the order,
    the second goes back."""
    client, number = pending_order
    _prepare(client, number)
    second = f"{number}H5"
    with schema_context(store_a.schema):
        order = Order.objects.get(number=number)
        Payment.objects.create(order=order, out_trade_no=second, amount_fen=7800, prepay_id="wx-h5")
        openid = Member.objects.get().openid
    gateway.transactions[second] = Transaction(out_trade_no=second, mchid="1900000109", appid="wxalphasandbox",
                                               total_fen=7800, openid=openid, notify_url="")
    gateway.pay(number)
    gateway.pay(second)
    assert post_notification(api(store_a.host), *gateway.notification(number)).status_code == 204
    assert post_notification(api(store_a.host), *gateway.notification(second)).status_code == 204
    with schema_context(store_a.schema):
        order.refresh_from_db()
        assert (order.status, order.transaction_id) == ("paid", gateway.transactions[number].transaction_id)
        assert [p.out_trade_no for p in payments_without_paid_order()] == [second]
    _give_back(gateway, store_a, number, second)
    with schema_context(store_a.schema):
        assert Order.objects.get(number=number).status == "paid"


def test_refund_notifications_that_fit_nothing_are_acknowledged_and_queued(pending_order, gateway, store_a):
    number = _paid_after_cancelling(pending_order, gateway, store_a)
    with schema_context(store_a.schema):
        refund_execute(Refund.objects.get().pk)
    # WeChat could not put the money back (the payer's account is closed): failed, and the merchant told.
    abnormal = gateway.refund_notification(f"{number}-R", status="ABNORMAL")
    assert post_notification(api(store_a.host), *abnormal).status_code == 204
    # A refund this store never asked for.
    gateway.refunds["ELSEWHERE-1"] = gateway.refunds[f"{number}-R"].__class__(
        out_refund_no="ELSEWHERE-1", out_trade_no=number, refund_fen=100, total_fen=7800, notify_url="",
        refund_id="50300000000000000000000001")
    assert post_notification(api(store_a.host), *gateway.refund_notification("ELSEWHERE-1")).status_code == 204
    with schema_context(store_a.schema):
        assert Refund.objects.get().status == "failed"
        assert set(PaymentIssue.objects.values_list("kind", "reference")) == {
            ("unpayable_order", number), ("refund_failed", f"{number}-R"), ("unknown_refund", "ELSEWHERE-1")}
        # Still owed to the shopper: the reconciliation check keeps listing it.
        assert [p.out_trade_no for p in payments_without_paid_order()] == [number]


def test_a_failure_of_our_own_answers_503_and_keeps_the_notification(pending_order, gateway, store_a):
    client, number = pending_order
    _prepare(client, number)
    gateway.pay(number)
    headers, body = gateway.notification(number)
    with mock.patch("tenants.payments.services.order_mark_paid", side_effect=RuntimeError("disk on fire")):
        reply = post_notification(api(store_a.host), headers, body)
    assert reply.status_code == 503 and reply.json()["code"] == "FAIL"
    with schema_context(store_a.schema):
        kept = PaymentIssue.objects.get()
        assert kept.kind == "unprocessed" and "disk on fire" in kept.detail
        assert kept.data["body"] == body and kept.data["headers"]["Wechatpay-Signature"]
        assert Payment.objects.get(out_trade_no=number).status == "created"  # nothing half-written
    assert post_notification(api(store_a.host), headers, body).status_code == 204  # WeChat's retry settles it
    with schema_context(store_a.schema):
        assert Order.objects.get(number=number).status == "paid"


def test_the_merchant_sees_and_closes_them_in_the_console(pending_order, gateway, store_a, client_a, client_b):
    from tests.conftest import console_login

    number = _paid_after_cancelling(pending_order, gateway, store_a)
    console_login(client_a, store_a.owner_login)
    assert 'id="payment-issues-alert"' in client_a.get("/console/").content.decode()
    page = client_a.get("/console/finance/payments/").content.decode()
    assert f'data-payment="{number}"' in page and 'data-issue="unpayable_order"' in page
    console_login(client_b, "ben@bravo.test")
    assert number not in client_b.get("/console/finance/payments/").content.decode()
    with schema_context(store_a.schema):
        issue = PaymentIssue.objects.get()
    assert client_a.post("/console/finance/payments/", {"issue": "nope"}).status_code == 400
    assert client_a.post("/console/finance/payments/", {"issue": issue.pk}).status_code == 302
    with schema_context(store_a.schema):
        issue.refresh_from_db()
        assert issue.resolved_by == store_a.owner_login and issue.resolved_at
    # Resolving the notice does not hide the money still owed: the reconciliation keeps the payment listed.
    assert f'data-payment="{number}"' in client_a.get("/console/finance/payments/").content.decode()


def test_the_fleet_reconciliation_command_lists_what_is_owed(pending_order, gateway, store_a, capsys):
    from django.core.management import CommandError, call_command

    number = _paid_after_cancelling(pending_order, gateway, store_a)
    with schema_context(store_a.schema):
        Refund.objects.update(status="failed")  # WeChat could not return it: the shopper is owed the money
    with pytest.raises(CommandError, match="1 payment"):
        call_command("payments_reconcile", "--fail-if-owed")
    out = capsys.readouterr().out
    assert f"alpha\tpayment\t{number}\t7800\tcancelled\tNO REFUND" in out
    assert "payments_owed=1 payments_returning=0 issues_open=1" in out
    with schema_context(store_a.schema):
        Refund.objects.update(status="processing")
    call_command("payments_reconcile", "--store", "alpha", "--fail-if-owed")
    assert "payments_owed=0 payments_returning=1" in capsys.readouterr().out
