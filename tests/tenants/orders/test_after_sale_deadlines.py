"""Every after-sale deadline is acted on by the store's worker, so an ignored request never blocks the order's
completion (and the commission's release); the store's order rules are edited in the console, refused when
the after-sale window would outlast the commission freeze; the merchant may refund after the window."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from core.errors import ValidationFailed
from tenants.distribution.configuration import DistributionRules, distribution_settings_update
from tenants.distribution.selectors import distribution_settings_get
from tenants.orders.aftersales import (
    after_sale_approve,
    after_sale_request,
    after_sale_return_ship,
    merchant_refund,
)
from tenants.orders.models import AfterSale, Order, OrderSettings
from tenants.orders.selectors import order_settings_get
from tenants.orders.services import (
    order_confirm_receipt,
    order_settings_update,
    order_ship,
)
from tenants.orders.tasks import orders_tick
from tests.conftest import console_login

RULES = {"auto_cancel_minutes": 30, "auto_receive_days": 10, "after_sale_days": 7, "merchant_review_days": 2,
         "return_days": 5, "return_receive_days": 4, "reviews_need_approval": True}


@pytest.fixture
def received_order(paid_order):
    order_ship(order=paid_order, carrier_code="SF", tracking_no="SF-D1", actor="ops")
    order_confirm_receipt(order=paid_order, actor="m")
    return Order.objects.get(pk=paid_order.pk)


def _request(order, kind):
    return after_sale_request(order=order, kind=kind, lines={order.lines.get().pk: 1}, reason="不合适", actor="m")


def test_ignored_requests_are_settled_by_the_worker_and_the_order_completes(received_order):
    order_settings_update(**RULES)
    now = timezone.now()
    unreviewed = _request(received_order, "refund_only")
    not_sent_back = after_sale_approve(after_sale=_request(received_order, "return_refund"), actor="cs")
    assert not_sent_back.return_deadline_at.date() == (now + timedelta(days=5)).date()  # the store's return days
    never_confirmed = after_sale_approve(after_sale=_request(received_order, "return_refund"), actor="cs")
    never_confirmed = after_sale_return_ship(after_sale=never_confirmed, carrier_code="YTO", tracking_no="YT9")
    assert never_confirmed.return_receive_deadline_at.date() == (now + timedelta(days=4)).date()

    early = orders_tick(now=now + timedelta(days=1))
    assert (early["approved"], early["return_expired"], early["return_received"], early["completed"]) == (0, 0, 0, 0)
    later = orders_tick(now=now + timedelta(days=6))
    assert (later["approved"], later["return_expired"], later["return_received"]) == (1, 1, 1)
    statuses = dict(AfterSale.objects.values_list("pk", "status"))
    assert statuses == {unreviewed.pk: "refunding", not_sent_back.pk: "cancelled", never_confirmed.pk: "refunding"}
    assert received_order.events.filter(kind="after_sale_cancelled", actor="system").exists()
    # Once the refunds are done nothing is open, and after the window the order completes.
    AfterSale.objects.filter(status="refunding").update(status="refunded")
    assert orders_tick(now=now + timedelta(days=8))["completed"] == 1


@translation.override("zh-hans")
def test_order_rules_are_validated_and_refused_past_the_commission_freeze(received_order):
    with pytest.raises(ValidationFailed) as bad:
        order_settings_update(**{**RULES, "auto_cancel_minutes": 1, "return_days": 99})
    assert set(bad.value.fields) == {"auto_cancel_minutes", "return_days"}
    assert distribution_settings_get().freeze_days == 7
    with pytest.raises(ValidationFailed) as longer:
        order_settings_update(**{**RULES, "after_sale_days": 15})
    assert "冻结期" in longer.value.fields["after_sale_days"][0]
    assert order_settings_get().after_sale_days == 7  # nothing saved
    with pytest.raises(ValidationFailed) as shorter:
        distribution_settings_update(rules=replace(DistributionRules.of(distribution_settings_get()), freeze_days=3))
    assert "售后期" in shorter.value.fields["freeze_days"][0]
    distribution_settings_update(rules=replace(DistributionRules.of(distribution_settings_get()), freeze_days=15))
    assert order_settings_update(**{**RULES, "after_sale_days": 15}).after_sale_days == 15


def test_the_merchant_refunds_after_the_shoppers_window_and_after_completion(received_order):
    order = received_order
    Order.objects.filter(pk=order.pk).update(received_at=timezone.now() - timedelta(days=30), status="completed")
    order.refresh_from_db()
    after_sale = merchant_refund(order=order, lines={order.lines.get().pk: 1}, reason="补偿", actor="ann")
    assert (after_sale.status, after_sale.refund_fen) == ("refunding", 1000)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_order_rules_page_shows_field_errors_in_place(client_a, store_a, store_b, language):
    console_login(client_a, store_a.owner_login)
    client_a.cookies["django_language"] = language
    page = client_a.get("/console/store/order-rules/")
    assert page.status_code == 200 and 'name="after_sale_days" value="7"' in page.content.decode()
    bad = client_a.post("/console/store/order-rules/", {**RULES, "auto_cancel_minutes": "abc", "return_days": "0",
                                                        "after_sale_days": "20", "return_receive_days": ""})
    html = bad.content.decode()
    assert bad.status_code == 400
    for field in ("auto_cancel_minutes", "return_days", "return_receive_days"):
        assert f'data-field="{field}"' in html
    expected = {"zh-hans": ("输入整数", "该字段是必填项"), "en": ("Enter a whole number", "This field is required")}
    assert all(text in html for text in expected[language]), re.findall(r"<ul class=\"errorlist\".*?</ul>", html)
    freeze = client_a.post("/console/store/order-rules/", {**RULES, "after_sale_days": "20"})
    assert freeze.status_code == 400 and 'data-field="after_sale_days"' in freeze.content.decode()
    assert client_a.post("/console/store/order-rules/", {**RULES, "merchant_review_days": "3"}).status_code == 302
    with schema_context(store_a.schema):
        assert OrderSettings.objects.get().merchant_review_days == 3
    with schema_context(store_b.schema):  # another store's rules are its own
        assert order_settings_get().merchant_review_days == 2
    connection.set_schema_to_public()
