"""Partial refund by line through WeChat Pay (sandbox): after-sale approved -> refund with a deterministic
number -> REFUND.SUCCESS notification -> lines refunded exactly -> the commission clawed back exactly."""

from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.distribution.models import Binding, Commission
from tenants.ledger.selectors import ledger_reconcile
from tenants.members.models import Member
from tenants.orders.aftersales import after_sale_approve, after_sale_request
from tenants.orders.models import AfterSale, Order
from tenants.payments.models import Refund
from tenants.payments.refunds import refund_execute
from tests.shop_api.conftest import api, post_notification
from tests.tenants.distribution.builders import make_distributor, publish_rates


def test_partial_refund_by_line_end_to_end(pending_order, gateway, store_a):
    client, number = pending_order
    with schema_context(store_a.schema):
        publish_rates()
        Binding.objects.create(member=Member.objects.get(), distributor=make_distributor(), source="link",
                               bound_at=timezone.now())
    client.post("/api/v1/payments/wechatpay/prepare/", {"order_number": number}, format="json")
    gateway.pay(number)
    assert post_notification(api(store_a.host), *gateway.notification(number)).status_code == 204

    with schema_context(store_a.schema):
        order = Order.objects.get(number=number)
        commission = Commission.objects.get()
        assert (commission.base_fen, commission.amount_fen) == (7800, 936)
        line = order.lines.get()
        after_sale = after_sale_request(order=order, kind=AfterSale.Kind.REFUND_ONLY, lines={line.pk: 1},
                                        reason="少发一件", actor="member:1")
        assert after_sale.refund_fen == 3900
        after_sale_approve(after_sale=after_sale, actor="cs@alpha")
        refund = Refund.objects.get()
        assert (refund.out_refund_no, refund.amount_fen, refund.status) == (after_sale.number, 3900, "pending")
        assert refund_execute(refund.pk) == "processing"
        assert refund_execute(refund.pk) == "processing"  # a retried task sends nothing new
    assert list(gateway.refunds) == [after_sale.number]

    headers, body = gateway.refund_notification(after_sale.number)
    assert post_notification(api(store_a.host), headers, body).status_code == 204
    assert post_notification(api(store_a.host), headers, body).status_code == 204  # redelivered
    with schema_context(store_a.schema):
        order.refresh_from_db()
        line.refresh_from_db()
        assert (order.status, order.refunded_fen) == ("paid", 3900)
        assert (line.refunded_quantity, line.refunded_fen) == (1, 3900)
        assert AfterSale.objects.get(pk=after_sale.pk).status == "refunded"
        commission.refresh_from_db()
        assert commission.clawed_back_fen == 468  # exactly half of what the line earned
        assert ledger_reconcile().ok
