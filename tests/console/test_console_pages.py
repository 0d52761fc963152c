"""Merchant console pages: roles enforced on the server, shipping an order, reviewing applications and
withdrawals, exporting payouts to Excel."""

import io

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tenants.distribution.models import Application, DistributionSettings, Distributor
from tenants.distribution.withdrawals import withdrawal_request
from tenants.ledger.models import Account, Journal
from tenants.ledger.services import Line, account_for, journal_post
from tenants.orders.exports import order_export_run
from tenants.orders.models import Order, ShippingTemplate
from tenants.orders.services import order_create, order_mark_paid
from tests.conftest import console_login
from tests.factories import AddressFactory, MemberFactory, SkuFactory
from tests.tenants.distribution.builders import make_distributor


@pytest.fixture
def owner(client_a, store_a):
    console_login(client_a, store_a.owner_login)
    return client_a


def test_lesser_role_is_refused_finance_but_may_handle_orders(client_a, store_a):
    console_login(client_a, store_a.staff_login)  # Otto, operations
    refused = client_a.get("/console/finance/withdrawals/")
    assert refused.status_code == 403 and "没有权限" in refused.content.decode()
    assert client_a.get("/console/finance/withdrawals/export.xlsx").status_code == 403
    assert client_a.post("/console/finance/withdrawals/", {"withdrawal_id": 1, "action": "paid"}).status_code == 403
    assert client_a.get("/console/orders/").status_code == 200


def test_owner_ships_an_order_from_its_page(owner, store_a):
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        address = AddressFactory()
        order, _ = order_create(member=address.member, idempotency_key="console-ship-01", address_id=address.pk,
                                items=[{"sku_id": SkuFactory(stock=2).pk, "quantity": 1}])
        order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="t", paid_at=timezone.now())
    connection.set_schema_to_public()
    page = owner.get(f"/console/orders/{order.number}/")
    assert page.status_code == 200 and 'id="ship-form"' in page.content.decode()
    missing = owner.post(f"/console/orders/{order.number}/",
                         {"action": "ship", "carrier_code": "SF", "tracking_no": ""})
    assert missing.status_code == 400 and "请填写快递单号" in missing.content.decode()
    shipped = owner.post(f"/console/orders/{order.number}/", {"action": "ship", "carrier_code": "SF",
                                                              "tracking_no": "SF123456"})
    assert shipped.status_code == 302
    with schema_context(store_a.schema):
        assert Order.objects.get(pk=order.pk).status == Order.Status.SHIPPED
    listing = owner.get("/console/orders/", {"status": "shipped"}).content.decode()
    assert order.number in listing


def test_owner_reviews_applications(owner, store_a):
    with schema_context(store_a.schema):
        DistributionSettings.objects.update_or_create(singleton=1, defaults={"recruitment": "apply"})
        application = Application.objects.create(member=MemberFactory(), answers={"real_name": "王五"})
    connection.set_schema_to_public()
    page = owner.get("/console/distribution/").content.decode()
    assert "王五" in page and "合规提示" in page
    approved = owner.post("/console/distribution/", {"action": "approve", "application_id": application.pk})
    assert approved.status_code == 302
    with schema_context(store_a.schema):
        assert Distributor.objects.filter(member_id=application.member_id).exists()


def test_finance_approves_pays_and_exports(owner, store_a):
    with schema_context(store_a.schema):
        DistributionSettings.objects.update_or_create(singleton=1, defaults={"withdrawal_min_fen": 100})
        distributor = make_distributor()
        journal_post(kind=Journal.Kind.RELEASE, idempotency_key="fund-console",
                     lines=[Line(account_for(kind=Account.Kind.DISTRIBUTOR_AVAILABLE, owner_id=distributor.pk), 9000),
                            Line(account_for(kind=Account.Kind.STORE_COMMISSION_EXPENSE), -9000)])
        withdrawal, _created = withdrawal_request(
            distributor=distributor, idempotency_key="console-bank-1", amount_fen=5000, method="bank",
            bank_account="建设银行 6217 0000 9999")
    connection.set_schema_to_public()
    assert owner.post("/console/finance/withdrawals/", {"withdrawal_id": withdrawal.pk, "action": "approve"}
                      ).status_code == 302
    sheet = load_workbook(io.BytesIO(owner.get("/console/finance/withdrawals/export.xlsx").content)).active
    assert list(sheet.iter_rows(values_only=True))[1][0] == withdrawal.number
    assert owner.post("/console/finance/withdrawals/", {"withdrawal_id": withdrawal.pk, "action": "paid"}
                      ).status_code == 302
    assert "已到账" in owner.get("/console/finance/withdrawals/").content.decode()


def test_simulator_page_compares_and_publishes(owner, store_a):
    from tenants.distribution.models import Binding, RuleSet
    from tenants.distribution.services import commission_accrue_for_order
    from tests.tenants.distribution.builders import make_paid_order, publish_rates

    with schema_context(store_a.schema):
        publish_rates(version=1, rates={1: (1000, 1000)})
        seller = make_distributor()
        buyer = MemberFactory()
        Binding.objects.create(member=buyer, distributor=seller, source="link", bound_at=timezone.now())
        commission_accrue_for_order(order_id=make_paid_order(member=buyer, line_prices=[10000]).pk)
    connection.set_schema_to_public()
    page = owner.post("/console/distribution/simulator/", {"first_1": "15", "repeat_1": "12", "days": "30",
                                                           "action": "simulate"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="simulation"' in html
    assert "¥10.00" in html and "¥15.00" in html  # current and draft totals for one 100.00 sale
    with schema_context(store_a.schema):
        assert RuleSet.objects.count() == 1  # a simulation leaves no draft behind
    bad = owner.post("/console/distribution/simulator/", {"first_1": "95", "first_2": "10", "action": "publish"})
    assert bad.status_code == 400
    owner.post("/console/distribution/simulator/", {"first_1": "15", "repeat_1": "12", "action": "publish"})
    with schema_context(store_a.schema):
        assert RuleSet.objects.get(status="published").version == 2


def test_dashboard_figures_and_alerts(owner, store_a):
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        address = AddressFactory()
        order, _ = order_create(member=address.member, idempotency_key="dash-order-0001", address_id=address.pk,
                                items=[{"sku_id": SkuFactory(price_fen=12300, stock=2).pk, "quantity": 1}])
        order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="t", paid_at=timezone.now())
    connection.set_schema_to_public()
    html = owner.get("/console/").content.decode()
    assert "¥123.00" in html and 'id="sales-chart"' in html
    assert "待发货 <strong class=\"stat\">1</strong>" in html


def test_distributor_detail_shows_balances_team_commissions_and_history(owner, store_a):
    from tenants.distribution.models import Commission, Grade, GradeChange

    with schema_context(store_a.schema):
        top = make_distributor()
        child = make_distributor(parent=top)
        make_distributor(parent=child)
        Commission.objects.create(order_id=1, order_number="T2026001", order_line_id=77, line_position=2,
                                  distributor=top, level=1, base_fen=19900, quantity=1, rate_bp=1200,
                                  amount_fen=2388, rule_version=1, rate_source="level", is_first_order=True)
        senior = Grade.objects.create(name="高级分销员", rank=2)
        GradeChange.objects.create(distributor=top, from_grade=None, to_grade=senior, reason="30 天 5 单",
                                   actor="system")
    connection.set_schema_to_public()
    page = owner.get(f"/console/distribution/distributors/{top.code}/").content.decode()
    assert "订单 T2026001，第 2 行，一级，首单佣金 12% × 199.00 = 23.88" in page
    exported = owner.get(f"/console/distribution/commissions.xlsx?distributor={top.code}")
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert [r[1:3] + r[-1:] for r in rows[1:]] == [
        (top.code, "T2026001", "订单 T2026001，第 2 行，一级，首单佣金 12% × 199.00 = 23.88")]
    assert child.code in page and "二级团队" in page and "高级分销员" in page and 'id="earnings-chart"' in page
    assert owner.get("/console/distribution/distributors/NOPE/").status_code == 404


def test_settlement_runs_are_listed_for_finance(owner, store_a):
    from tenants.distribution.models import SettlementRun

    with schema_context(store_a.schema):
        SettlementRun.objects.create(started_at=timezone.now(), finished_at=timezone.now(), released_count=12,
                                     released_fen=34567)
    connection.set_schema_to_public()
    page = owner.get("/console/finance/settlements/").content.decode()
    assert "¥345.67" in page and ">12<" in page


def test_order_filters_with_django_filter_and_export(owner, store_a):
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        address = AddressFactory()
        sku = SkuFactory(stock=10)
        seller = make_distributor()
        paid, _ = order_create(member=address.member, idempotency_key="filter-0001", address_id=address.pk,
                               items=[{"sku_id": sku.pk, "quantity": 1}])
        order_mark_paid(order_id=paid.pk, paid_fen=paid.payable_fen, transaction_id="42000001",
                        paid_at=timezone.now())
        Order.objects.filter(pk=paid.pk).update(distributor_id=seller.pk)
        unpaid, _ = order_create(member=address.member, idempotency_key="filter-0002", address_id=address.pk,
                                 items=[{"sku_id": sku.pk, "quantity": 2}])
    connection.set_schema_to_public()
    today = timezone.localdate().isoformat()

    def numbers(query: str) -> set[str]:
        page = owner.get(f"/console/orders/?{query}").content.decode()
        return {n for n in (paid.number, unpaid.number) if f'data-number="{n}"' in page}

    assert numbers("payment=paid") == {paid.number}
    assert numbers("payment=unpaid") == {unpaid.number}
    assert numbers(f"placed_from={today}&placed_to={today}") == {paid.number, unpaid.number}
    assert numbers("placed_from=2001-01-01&placed_to=2001-01-02") == set()
    assert numbers(f"distributor_code={seller.code.lower()}") == {paid.number}
    assert numbers("distributor_code=NOBODY") == set()
    bad = owner.get("/console/orders/?placed_from=yesterday&payment=maybe")
    assert bad.status_code == 400 and 'data-field="placed_from"' in bad.content.decode()
    started = owner.post("/console/orders/export/?payment=paid")
    assert started.status_code == 302 and started["Location"].startswith("/console/exports/")
    job_id = started["Location"].split("/")[3]
    progress = owner.get(started["Location"]).content.decode()
    assert 'data-status="queued"' in progress and "hx-get" in progress  # the page polls until done
    connection.set_schema_to_public()
    with schema_context(store_a.schema):  # what the store's worker runs
        state = order_export_run(job_id=job_id, filters={"payment": "paid"})
        file_url = default_storage.url(state["file"])
    assert (state["status"], state["done"], state["total"]) == ("done", 1, 1)
    connection.set_schema_to_public()
    done = owner.get(started["Location"]).content.decode()
    assert 'data-status="done"' in done and 'id="export-download"' in done
    download = owner.get(f"/console/exports/{job_id}/download/")
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0] == "订单号" and [r[0] for r in rows[1:]] == [paid.number]
    assert file_url.startswith("/media/t_alpha/private/exports/")
    assert owner.get(file_url).status_code == 404  # never served as a public file
    assert owner.get("/console/exports/nope/").status_code == 404


def test_split_shipment_from_the_console(owner, store_a):
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        address = AddressFactory()
        first, second = SkuFactory(stock=10), SkuFactory(stock=10)
        order, _ = order_create(member=address.member, idempotency_key="split-0001", address_id=address.pk,
                                items=[{"sku_id": first.pk, "quantity": 2}, {"sku_id": second.pk, "quantity": 1}])
        order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="42000002",
                        paid_at=timezone.now())
        line_a, line_b = order.lines.order_by("position")
    connection.set_schema_to_public()
    url = f"/console/orders/{order.number}/"
    too_many = owner.post(url, {"action": "ship", "carrier_code": "SF", "tracking_no": "SF5000000001",
                                f"ship-{line_a.pk}": "3"})
    assert too_many.status_code == 400 and 'data-field="lines"' in too_many.content.decode()
    owner.post(url, {"action": "ship", "carrier_code": "SF", "tracking_no": "SF5000000001",
                     f"ship-{line_a.pk}": "1", f"ship-{line_b.pk}": "0"})
    with schema_context(store_a.schema):
        order.refresh_from_db()
        assert order.status == "paid" and order.shipments.count() == 1  # still units to send
    connection.set_schema_to_public()
    owner.post(url, {"action": "ship", "carrier_code": "ZTO", "tracking_no": "ZT5000000002"})  # the rest
    with schema_context(store_a.schema):
        order.refresh_from_db()
        assert order.status == "shipped" and order.shipments.count() == 2


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ["第 1 个商品的数量请填写整数。", "请填写快递单号。", "第 2 个商品的发货数量超出未发货数量。",
                 "选择一个有效的选项"]),
    ("en", ["whole number for the quantity of item 1", "Please enter the tracking number.",
            "item 2 is more than is left to ship", "Select a valid choice"]),
])
def test_order_action_errors_in_place_in_both_languages(owner, store_a, language, expected):
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        address = AddressFactory()
        first, second = SkuFactory(stock=10), SkuFactory(stock=10)
        order, _ = order_create(member=address.member, idempotency_key=f"errors-{language}", address_id=address.pk,
                                items=[{"sku_id": first.pk, "quantity": 2}, {"sku_id": second.pk, "quantity": 1}])
        order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id=f"4200{language}",
                        paid_at=timezone.now())
        line_a, line_b = order.lines.order_by("position")
    connection.set_schema_to_public()
    owner.cookies["django_language"] = language
    url = f"/console/orders/{order.number}/"
    negative = owner.post(url, {"action": "ship", "carrier_code": "SF", "tracking_no": "", f"ship-{line_a.pk}": "-1"})
    missing = owner.post(url, {"action": "ship", "carrier_code": "SF", "tracking_no": ""})
    too_many = owner.post(url, {"action": "ship", "carrier_code": "SF", "tracking_no": "SF77",
                                f"ship-{line_b.pk}": "2"})
    unknown = owner.post(url, {"action": "reject", "after_sale_id": "999999", "reason": "x"})
    pages = [response.content.decode() for response in (negative, missing, too_many, unknown)]
    assert [r.status_code for r in (negative, missing, too_many, unknown)] == [400] * 4
    assert 'data-field="lines"' in pages[0] and 'data-field="lines"' in pages[2]
    for text in expected:
        assert any(text in page for page in pages), text
    with schema_context(store_a.schema):
        assert not Order.objects.get(pk=order.pk).shipments.exists()


def test_distributors_export(owner, store_a):
    from tenants.distribution.models import Commission

    with schema_context(store_a.schema):
        top = make_distributor()
        make_distributor(parent=top)
        Commission.objects.create(order_id=1, order_number="T1", order_line_id=91, line_position=1, distributor=top,
                                  level=1, base_fen=19900, quantity=1, rate_bp=1000, amount_fen=1990, rule_version=1,
                                  rate_source="level", is_first_order=True)
    connection.set_schema_to_public()
    export = owner.get("/console/distribution/distributors.xlsx")
    rows = {r[0]: r for r in list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))[1:]}
    assert rows[top.code][6] == "199.00" and rows[top.code][4] is None  # no upline
    assert [r for r in rows.values() if r[4] == top.code]


def test_applications_withdrawals_and_settlement_runs_export(owner, store_a):
    from tenants.distribution.models import SettlementRun

    with schema_context(store_a.schema):
        Application.objects.create(member=MemberFactory(nickname="陈晨"), answers={"微信号": "cc88"})
        SettlementRun.objects.create(started_at=timezone.now(), finished_at=timezone.now(), released_count=3,
                                     released_fen=1200)
    connection.set_schema_to_public()

    def sheet(url: str) -> list[tuple]:
        response = owner.get(url)
        assert response.status_code == 200, url
        return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))

    applications = sheet("/console/distribution/applications.xlsx")
    assert applications[1][:4] == ("陈晨", "微信号: cc88", None, "待审核")
    assert sheet("/console/finance/withdrawals/all.xlsx")[0][0] == "单号"
    assert sheet("/console/finance/settlements.xlsx")[1][2:] == (3, "12.00", "进行中")


def test_after_sales_list_filters_and_exports(owner, store_a):
    from tenants.orders.aftersales import after_sale_request

    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        address = AddressFactory()
        order, _ = order_create(member=address.member, idempotency_key="as-list-0001", address_id=address.pk,
                                items=[{"sku_id": SkuFactory(stock=5).pk, "quantity": 1}])
        order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id="42000003",
                        paid_at=timezone.now())
        after_sale = after_sale_request(order=order, kind="refund_only", lines={order.lines.get().pk: 1},
                                        reason="不想要了", actor="member:1")
    connection.set_schema_to_public()
    page = owner.get("/console/after-sales/?status=requested").content.decode()
    assert f'data-after-sale="{after_sale.number}"' in page
    assert after_sale.number not in owner.get("/console/after-sales/?kind=exchange").content.decode()
    rows = list(load_workbook(io.BytesIO(owner.get("/console/after-sales/export.xlsx").content)).active.iter_rows(
        values_only=True))
    assert rows[1][:4] == (after_sale.number, order.number, "仅退款", "待审核")


def test_simulator_blank_rates_mean_the_same_and_the_page_shows_what_is_live(owner, store_a):
    from tenants.distribution.models import RuleSet
    from tests.tenants.distribution.builders import publish_rates

    with schema_context(store_a.schema):
        publish_rates(version=1, rates={1: (1000, 800), 2: (300, 200)})
    connection.set_schema_to_public()
    page = owner.post("/console/distribution/simulator/", {"first_1": "15", "repeat_1": "12", "repeat_2": "4",
                                                           "action": "publish"})
    html = page.content.decode()
    assert page.status_code == 200
    with schema_context(store_a.schema):
        live = RuleSet.objects.get(status="published")
        rates = dict((r.level, (r.first_order_bp, r.repeat_order_bp)) for r in live.level_rates.all())
    assert (live.version, rates) == (2, {1: (1500, 1200), 2: (400, 400)})  # blank first = same as repeat
    assert 'data-live-level="1">15.00% / 12.00%' in html and 'data-live-level="2">4.00% / 4.00%' in html
    bad = owner.post("/console/distribution/simulator/", {"first_1": "12.345", "repeat_2": "-1", "first_3": "101",
                                                          "days": "abc"})
    assert bad.status_code == 400
    for name in ("first_1", "repeat_2", "first_3", "days"):
        assert f'data-field="{name}"' in bad.content.decode()
