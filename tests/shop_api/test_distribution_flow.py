"""End to end through HTTP: a distributor joins and shares, a buyer binds and buys, the commission is
frozen, released after receipt + freeze days by settlement, partly clawed back by a refund, withdrawn."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.distribution.models import DistributionSettings, Withdrawal
from tenants.distribution.settlement import settle_matured
from tenants.distribution.withdrawals import withdrawal_approve, withdrawal_mark_paid
from tenants.ledger.selectors import ledger_reconcile
from tenants.members.models import Member
from tenants.orders.aftersales import after_sale_approve, after_sale_request
from tenants.orders.models import Order
from tenants.orders.services import order_ship
from tenants.payments.models import Refund
from tenants.payments.refunds import refund_execute
from tests.factories import AddressFactory
from tests.shop_api.conftest import api, login, post_notification
from tests.tenants.distribution.builders import publish_rates


def test_distribution_end_to_end(gateway, store_a):
    with schema_context(store_a.schema):
        DistributionSettings.objects.update_or_create(singleton=1, defaults={"recruitment": "open",
                                                                            "withdrawal_min_fen": 100})
        publish_rates(rates={1: (1200, 1000), 2: (500, 300)})
        from tenants.catalog.services import SkuInput, product_create

        sku = product_create(title="精华液", publish=True, skus=[SkuInput(price_fen=19900,
                                                                stock=10)]).skus.get()
    connection.set_schema_to_public()
    sharer = api(store_a.host, login(store_a.host, "sandbox-sharer"))
    assert sharer.post("/api/v1/distribution/apply/", {}, format="json").json()["application_status"] == "approved"
    me = sharer.get("/api/v1/distribution/me/").json()
    assert me["is_distributor"] and me["frozen_fen"] == 0 and "?dc=" in me["share_link"]

    buyer = api(store_a.host, login(store_a.host, "sandbox-friend"))
    bound = buyer.post("/api/v1/distribution/bind/", {"share_token": me["share_token"], "source": "qr"},
                       format="json").json()
    assert bound == {"bound": True, "distributor_code": me["code"]}
    with schema_context(store_a.schema):
        address = AddressFactory(member=Member.objects.get(openid__isnull=False, distributor__isnull=True))
    connection.set_schema_to_public()
    number = buyer.post("/api/v1/orders/", {"address_id": address.pk, "items": [{"sku_id": sku.pk, "quantity": 2}]},
                        format="json", HTTP_IDEMPOTENCY_KEY="dist-e2e-000001").json()["number"]
    buyer.post("/api/v1/payments/wechatpay/prepare/", {"order_number": number}, format="json")
    gateway.pay(number)
    assert post_notification(api(store_a.host), *gateway.notification(number)).status_code == 204
    assert sharer.get("/api/v1/distribution/me/").json()["frozen_fen"] == 4776  # 12% of 398.00
    explanation = sharer.get("/api/v1/distribution/commissions/").json()["results"][0]["explanation"]
    assert explanation.endswith("一级，首单佣金 12% × 398.00 = 47.76")

    with schema_context(store_a.schema):
        order_ship(order=Order.objects.get(number=number), carrier_code="SF", tracking_no="SF-E2E", actor="ops")
    connection.set_schema_to_public()
    assert buyer.post(f"/api/v1/orders/{number}/confirm-receipt/").json()["status"] == "received"
    with schema_context(store_a.schema):
        assert settle_matured(now=timezone.now() + timedelta(days=3), freeze_days=7).released_count == 0
        assert settle_matured(now=timezone.now() + timedelta(days=8), freeze_days=7).released_count == 1
    connection.set_schema_to_public()
    assert sharer.get("/api/v1/distribution/me/").json()["available_fen"] == 4776

    with schema_context(store_a.schema):  # one of the two bottles comes back after release
        order = Order.objects.get(number=number)
        after_sale = after_sale_request(order=order, kind="refund_only", lines={order.lines.get().pk: 1},
                                        reason="破损", actor="member")
        after_sale_approve(after_sale=after_sale, actor="cs")
        refund_execute(Refund.objects.get().pk)
    connection.set_schema_to_public()
    assert post_notification(api(store_a.host), *gateway.refund_notification(after_sale.number)).status_code == 204
    assert sharer.get("/api/v1/distribution/me/").json()["available_fen"] == 2388

    asked = {"amount_fen": 2000, "method": "bank", "bank_account": "工商银行 6222 0000 1111"}
    withdrawal = sharer.post("/api/v1/distribution/withdrawals/", asked, format="json",
                             HTTP_IDEMPOTENCY_KEY="withdraw-flow-1")
    assert withdrawal.status_code == 201
    retried = sharer.post("/api/v1/distribution/withdrawals/", asked, format="json",
                          HTTP_IDEMPOTENCY_KEY="withdraw-flow-1")
    assert retried.status_code == 200 and retried.json()["number"] == withdrawal.json()["number"]
    reused = sharer.post("/api/v1/distribution/withdrawals/", {**asked, "amount_fen": 100}, format="json",
                         HTTP_IDEMPOTENCY_KEY="withdraw-flow-1")
    assert (reused.status_code, reused.json()["code"]) == (409, "idempotency_key_reused")
    unkeyed = sharer.post("/api/v1/distribution/withdrawals/", asked, format="json")
    assert unkeyed.status_code == 400 and "idempotency_key" in unkeyed.json()["fields"]
    with schema_context(store_a.schema):
        pending = Withdrawal.objects.get()
        withdrawal_mark_paid(withdrawal=withdrawal_approve(withdrawal=pending, actor="finance"), actor="finance")
        assert ledger_reconcile().ok
    connection.set_schema_to_public()
    final = sharer.get("/api/v1/distribution/me/").json()
    assert (final["available_fen"], final["withdrawing_fen"]) == (388, 0)
    trend = sharer.get("/api/v1/distribution/earnings/trend/", {"days": 7}).json()
    assert len(trend) == 7 and trend[-1]["amount_fen"] == 2388
    code = sharer.get("/api/v1/distribution/wxacode/")
    assert code.status_code == 200 and code.content.startswith(b"\x89PNG")
    poster = sharer.get(f"/api/v1/distribution/posters/{sku.product_id}/")
    assert poster.status_code == 200 and poster["Content-Type"] == "image/png"
    assert api(store_a.host, login(store_a.host, "sandbox-nobody")).get("/api/v1/distribution/me/").json() == {
        "is_distributor": False, "application_status": None, "reject_reason": ""}
