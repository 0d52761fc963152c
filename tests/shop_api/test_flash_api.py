"""Flash sales and group buys through the shop API: the list shows what runs and what is left, a buy answers 201
with the order at the flash price, a retry with its key 200 with the same order, the next buyer 409
flash_sold_out; the checkout preview of a timed discount and a full reduction shows each step; a group buy is
opened and joined, its team page shows the places left."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.catalog.services import SkuInput, product_create
from tenants.marketing.campaigns import (
    DiscountItemInput,
    FlashItemInput,
    FlashSaleInput,
    FullReductionInput,
    TimedDiscountInput,
    flash_sale_create,
    full_reduction_create,
    timed_discount_create,
)
from tenants.marketing.groups import GroupBuyInput, group_buy_create
from tenants.marketing.models import FlashSaleItem, GroupTeam
from tenants.members.models import Member
from tenants.orders.models import ShippingTemplate
from tests.factories import AddressFactory
from tests.shop_api.conftest import api, login

HOUR = timedelta(hours=1)


def test_flash_buy_then_sold_out(store_a, wechat_sandbox):
    first, second = login(store_a.host, "flash-one"), login(store_a.host, "flash-two")
    now = timezone.now()
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        sku = product_create(title="秒杀口红", publish=True, skus=[SkuInput(price_fen=15900, stock=9)]).skus.get()
        sale = flash_sale_create(values=FlashSaleInput(name="十点秒杀", starts_at=now - HOUR, ends_at=now + HOUR,
                                                       items=[FlashItemInput(sku_id=sku.pk, price_fen=5900, quota=1)]))
        item = sale.items.get()
        one, two = (AddressFactory(member=m).pk for m in Member.objects.order_by("pk"))
    connection.set_schema_to_public()
    shown = api(store_a.host).get("/api/v1/flash-sales/").json()
    assert [(i["id"], i["title"], i["flash_price_fen"], i["left"]) for i in shown] == [(item.pk, "秒杀口红", 5900, 1)]
    url = f"/api/v1/flash-sales/items/{item.pk}/orders/"
    buyer = api(store_a.host, first)
    bought = buyer.post(url, {"address_id": one}, format="json",
                        HTTP_IDEMPOTENCY_KEY="flash-api-0001")
    assert bought.status_code == 201 and bought.json()["payable_fen"] == 5900
    retry = buyer.post(url, {"address_id": one}, format="json", HTTP_IDEMPOTENCY_KEY="flash-api-0001")
    assert retry.status_code == 200 and retry.json()["number"] == bought.json()["number"]
    late = api(store_a.host, second).post(url, {"address_id": two}, format="json",
                                          HTTP_IDEMPOTENCY_KEY="flash-api-0002")
    assert (late.status_code, late.json()["code"]) == (409, "flash_sold_out")
    assert api(store_a.host).get("/api/v1/flash-sales/").json()[0]["left"] == 0
    assert api(store_a.host).post(url, {"address_id": 1}, format="json").status_code == 401


def test_preview_shows_each_step(store_a, wechat_sandbox):
    token = login(store_a.host, "promo-shopper")
    now = timezone.now()
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="运费", mode="flat", flat_fee_fen=800, is_default=True)
        product = product_create(title="面霜", publish=True, skus=[SkuInput(price_fen=32000, stock=9)])
        sku_id = product.skus.get().pk
        timed_discount_create(values=TimedDiscountInput(name="限时九折", starts_at=now - HOUR, ends_at=now + HOUR,
                                                        items=[DiscountItemInput(product_id=product.pk,
                                                                                 percent_off_bp=1000)]))
        full_reduction_create(values=FullReductionInput(name="满减", starts_at=now - HOUR, ends_at=now + HOUR,
                                                        tiers=[{"threshold_fen": 20000, "amount_fen": 2000}]))
        address = AddressFactory(member=Member.objects.get()).pk
    connection.set_schema_to_public()
    preview = api(store_a.host, token).post("/api/v1/checkout/preview/", {
        "address_id": address, "items": [{"sku_id": sku_id, "quantity": 1}]}, format="json").json()
    assert [(a["label"], a["amount_fen"]) for a in preview["adjustments"]] == [
        ("限时折扣：限时九折", 3200), ("满减：满 200.00 减 20.00", 2000)]
    assert preview["payable_fen"] == 32000 - 3200 - 2000 + 800


def test_group_buy_open_join_and_the_team_page(store_a, wechat_sandbox):
    leader, joiner = login(store_a.host, "group-leader"), login(store_a.host, "group-joiner")
    now = timezone.now()
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        sku = product_create(title="拼团面膜", publish=True, skus=[SkuInput(price_fen=9900, stock=9)]).skus.get()
        group = group_buy_create(values=GroupBuyInput(name="两人团", starts_at=now - HOUR, ends_at=now + 30 * HOUR,
                                                      sku_id=sku.pk, price_fen=4900, group_size=2, hours=24))
        one, two = (AddressFactory(member=m).pk for m in Member.objects.order_by("pk"))
    connection.set_schema_to_public()
    assert [g["group_price_fen"] for g in api(store_a.host).get("/api/v1/group-buys/").json()] == [4900]
    url = f"/api/v1/group-buys/{group.pk}/orders/"
    opened = api(store_a.host, leader).post(url, {"address_id": one}, format="json", HTTP_IDEMPOTENCY_KEY="group-0001")
    assert opened.status_code == 201 and opened.json()["payable_fen"] == 4900
    with schema_context(store_a.schema):
        team = GroupTeam.objects.get().pk
    connection.set_schema_to_public()
    page = api(store_a.host).get(f"/api/v1/group-buys/teams/{team}/").json()
    assert (page["status"], page["places_left"], len(page["places"])) == ("open", 1, 1)
    again = api(store_a.host, leader).post(url, {"address_id": one, "team_id": team}, format="json",
                                           HTTP_IDEMPOTENCY_KEY="group-0002")
    assert (again.status_code, again.json()["code"]) == (409, "group_joined")
    joined = api(store_a.host, joiner).post(url, {"address_id": two, "team_id": team}, format="json",
                                            HTTP_IDEMPOTENCY_KEY="group-0003")
    assert joined.status_code == 201
    assert api(store_a.host).get(f"/api/v1/group-buys/teams/{team}/").json()["places_left"] == 0
    assert api(store_a.host).get("/api/v1/group-buys/teams/999999/").status_code == 404


def test_two_stores_flash_gates_never_mix(store_a, store_b, wechat_sandbox):
    """Both stores' flash item has the same id: store A's sell-out does not close store B's, nor its token buy there."""
    now = timezone.now()
    buyers, items = {}, {}
    for store in (store_a, store_b):
        token = login(store.host, f"two-stores-{store.schema}")
        with schema_context(store.schema):
            ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
            sku = product_create(title="口红", publish=True, skus=[SkuInput(price_fen=15900, stock=9)]).skus.get()
            made = flash_sale_create(values=FlashSaleInput(
                name="秒杀", starts_at=now - HOUR, ends_at=now + HOUR,
                items=[FlashItemInput(sku_id=sku.pk, price_fen=5900, quota=1)])).items.get().pk
            FlashSaleItem.objects.filter(pk=made).update(id=77)  # the same id in both schemas
            items[store.schema] = 77
            buyers[store.schema] = (token, AddressFactory(member=Member.objects.get()).pk)
        connection.set_schema_to_public()
    url = f"/api/v1/flash-sales/items/{items[store_a.schema]}/orders/"
    token_a, address_a = buyers[store_a.schema]
    token_b, address_b = buyers[store_b.schema]
    assert api(store_a.host, token_a).post(url, {"address_id": address_a}, format="json",
                                           HTTP_IDEMPOTENCY_KEY="two-stores-a1").status_code == 201
    assert api(store_b.host, token_a).post(url, {"address_id": address_a}, format="json",
                                           HTTP_IDEMPOTENCY_KEY="two-stores-a2").status_code == 401
    assert api(store_b.host, token_b).post(url, {"address_id": address_b}, format="json",
                                           HTTP_IDEMPOTENCY_KEY="two-stores-b1").status_code == 201
    assert api(store_b.host).get("/api/v1/flash-sales/").json()[0]["left"] == 0
