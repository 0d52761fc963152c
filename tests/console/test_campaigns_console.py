"""The merchant's campaign screens: a timed discount, a full reduction and a flash sale made from their forms
(refusals by field, in place), listed with their rules, phase and figures, paused and ended; the figures count an
order placed under the campaign; every kind exports to Excel; the calendar shows them on their days."""

from __future__ import annotations

import io
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tenants.catalog.services import SkuInput, product_create
from tenants.marketing.models import FlashSale, FullReduction, TimedDiscount
from tenants.orders.models import ShippingTemplate
from tenants.orders.services import order_create
from tests.conftest import console_login
from tests.factories import AddressFactory, MemberFactory


def _when(hours: int) -> str:
    return timezone.localtime(timezone.now() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_create_list_act_export_and_calendar(client_a, store_a):
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        product = product_create(title="面霜", publish=True, skus=[SkuInput(price_fen=20000, stock=50)])
        sku = product.skus.get()
    connection.set_schema_to_public()
    console_login(client_a, store_a.owner_login)
    url = "/console/marketing/discounts/"
    bad = client_a.post(url, {"name": "周末", "starts_at": _when(2), "ends_at": _when(1), "items": [product.pk]})
    page = bad.content.decode()
    assert bad.status_code == 400 and 'data-field="ends_at"' in page and "二选一" in page
    made = client_a.post(url, {"name": "周末八折", "starts_at": _when(-1), "ends_at": _when(5), "items": [product.pk],
                               "percent_off_bp": "8", "per_member_limit": "2"})
    assert made.status_code == 302
    listed = client_a.get(url).content.decode()
    assert "1 件商品 8 折，每人限购 2 件" in listed and "进行中" in listed

    tiers = {"name": "满减", "starts_at": _when(-1), "ends_at": _when(5), "kind": "amount", "scope": "all"}
    wrong = client_a.post("/console/marketing/reductions/", {**tiers, "threshold_1": "100", "worth_1": "100"})
    assert wrong.status_code == 400 and "须小于门槛" in wrong.content.decode()
    assert client_a.post("/console/marketing/reductions/", {**tiers, "threshold_1": "100", "worth_1": "10",
                                                            "threshold_2": "300", "worth_2": "40"}).status_code == 302
    assert "满 100.00 减 10.00；满 300.00 减 40.00" in client_a.get("/console/marketing/reductions/").content.decode()

    flash = {"name": "整点秒杀", "starts_at": _when(1), "ends_at": _when(3), "sku": sku.pk, "per_member_limit": "1"}
    over = client_a.post("/console/marketing/flash/", {**flash, "price_fen": "99", "quota": "80"})
    assert over.status_code == 400 and "库存 50" in over.content.decode()
    assert client_a.post("/console/marketing/flash/", {**flash, "price_fen": "99", "quota": "20"}).status_code == 302
    assert "未开始" in client_a.get("/console/marketing/flash/").content.decode()

    with schema_context(store_a.schema):
        member = MemberFactory()
        order_create(member=member, idempotency_key="console-campaign-1", address_id=AddressFactory(member=member).pk,
                     items=[{"sku_id": sku.pk, "quantity": 1}])
        discount, sale = TimedDiscount.objects.get(), FlashSale.objects.get()
        assert FullReduction.objects.count() == 1
    connection.set_schema_to_public()
    row = client_a.get(url).content.decode().split(f'data-campaign="{discount.pk}"')[1].split("</tr>")[0]
    assert "<td>1</td>" in row and "¥40.00" in row  # one order; 20% off 200.00
    assert client_a.post(url, {"campaign": discount.pk, "action": "pause"}).status_code == 302
    again = client_a.post(url, {"campaign": discount.pk, "action": "resume"})
    assert again.status_code == 302
    assert client_a.post("/console/marketing/flash/", {"campaign": sale.pk, "action": "end"}).status_code == 302
    refused = client_a.post("/console/marketing/flash/", {"campaign": sale.pk, "action": "pause"})
    assert refused.status_code == 400 and "不能暂停" in refused.content.decode()

    export = client_a.get("/console/marketing/discounts/export/")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "活动名称" and rows[1][0] == "周末八折" and rows[1][5] == 1 and rows[1][8] == "40.00"
    calendar = client_a.get("/console/marketing/calendar/").content.decode()
    assert "周末八折" in calendar and "满减" in calendar and 'class="ev flash ended"' in calendar
    assert client_a.get("/console/marketing/nothing/").status_code == 404


def test_a_group_buy_from_its_form(client_a, store_a):
    with schema_context(store_a.schema):
        sku = product_create(title="面膜", publish=True, skus=[SkuInput(price_fen=9900, stock=50)]).skus.get()
    connection.set_schema_to_public()
    console_login(client_a, store_a.owner_login)
    url = "/console/marketing/groups/"
    base = {"name": "两人团", "starts_at": _when(-1), "ends_at": _when(48), "sku": sku.pk, "hours": "24"}
    small = client_a.post(url, {**base, "price_fen": "49", "group_size": "1"})
    assert small.status_code == 400 and 'data-field="group_size"' in small.content.decode()
    dear = client_a.post(url, {**base, "price_fen": "120", "group_size": "2"})
    assert dear.status_code == 400 and "低于原价" in dear.content.decode()  # the service's refusal, in place
    assert client_a.post(url, {**base, "price_fen": "49", "group_size": "2"}).status_code == 302
    listed = client_a.get(url).content.decode()
    assert "面膜 拼团价 49.00 元，2 人团，24 小时内成团；开团 0，成团 0" in listed and "进行中" in listed
    assert "两人团" in client_a.get("/console/marketing/calendar/").content.decode()
