"""Flash sales: the Redis gate refuses sold-out, over-limit, early and late buyers without touching the database;
an admitted buyer's order gets the flash price and takes the unit again in the database; a lost gate reloads from
the database and never oversells; a cancelled order's unit returns to both; a crowd on real threads gets exactly
the quota, each buyer no more than the limit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone
from django_redis import get_redis_connection
from django_tenants.utils import schema_context

from core.errors import Conflict, ValidationFailed
from tenants.catalog.services import SkuInput, product_create
from tenants.loyalty.levels import member_level_set, member_levels
from tenants.loyalty.models import MemberLevel
from tenants.marketing.campaigns import FlashItemInput, FlashSaleInput, campaign_act, flash_sale_create
from tenants.marketing.flash import _key, flash_buy, flash_gate_drop, flash_gate_left, flash_reconcile
from tenants.marketing.models import CampaignPurchase, FlashSaleItem
from tenants.orders.models import Order, ShippingTemplate
from tenants.orders.services import order_cancel
from tests.conftest import store_for_real
from tests.factories import AddressFactory, MemberFactory

HOUR = timedelta(hours=1)


def _sale(*, quota: int, limit: int = 1, starts_in: timedelta = -HOUR, stock: int = 100):
    ShippingTemplate.objects.get_or_create(name="包邮", defaults={"mode": "flat", "flat_fee_fen": 0,
                                                                "is_default": True})
    sku = product_create(title="秒杀面霜", publish=True, skus=[SkuInput(price_fen=19900, stock=stock)]).skus.get()
    now = timezone.now()
    sale = flash_sale_create(values=FlashSaleInput(name="整点秒杀", starts_at=now + starts_in,
                                                   ends_at=now + starts_in + 2 * HOUR, per_member_limit=limit,
                                                   items=[FlashItemInput(sku_id=sku.pk, price_fen=9900, quota=quota)]))
    return sale, sale.items.get()


def _buy_as(member, **order):
    return flash_buy(member_id=member.pk, load_member=lambda: member, **order)


def _buyer():
    member = MemberFactory()
    return member, AddressFactory(member=member).pk


def test_definitions_say_what_is_wrong(in_alpha):
    sku = product_create(title="面霜", publish=True, skus=[SkuInput(price_fen=9900, stock=5)]).skus.get()
    now = timezone.now()
    with pytest.raises(ValidationFailed) as bad:
        flash_sale_create(values=FlashSaleInput(name="秒杀", starts_at=now, ends_at=now + HOUR, per_member_limit=0,
                                                items=[FlashItemInput(sku_id=sku.pk, price_fen=9900, quota=9)]))
    assert set(bad.value.fields) == {"per_member_limit", "items"}
    assert "低于原价" in bad.value.fields["items"][0]


def test_the_gate_refuses_without_the_database_and_the_order_gets_the_flash_price(in_alpha,
                                                                                 django_assert_num_queries):
    _, item = _sale(quota=1)
    member, address = _buyer()
    order, created = _buy_as(member, item_id=item.pk, quantity=1, address_id=address,
                               idempotency_key="flash-buy-0001")
    assert created and order.payable_fen == 9900 and order.pricing["adjustments"][0]["label"] == "秒杀价"
    again, created = _buy_as(member, item_id=item.pk, quantity=1, address_id=address,
                               idempotency_key="flash-buy-0001")
    assert again.pk == order.pk and not created  # a retry answers with its order
    late, late_address = _buyer()
    with django_assert_num_queries(0), pytest.raises(Conflict) as gone:
        _buy_as(late, item_id=item.pk, quantity=1, address_id=late_address, idempotency_key="flash-late-01")
    assert gone.value.code == "flash_sold_out"
    item.refresh_from_db()
    assert item.sold_count == 1 and flash_gate_left(item.pk) == 0


def test_not_started_over_the_limit_and_paused(in_alpha, django_capture_on_commit_callbacks):
    _early, early_item = _sale(quota=5, starts_in=HOUR)
    member, address = _buyer()
    with pytest.raises(Conflict) as early:
        _buy_as(member, item_id=early_item.pk, quantity=1, address_id=address, idempotency_key="early-0001")
    assert early.value.code == "flash_not_started"
    sale, item = _sale(quota=5, limit=2)
    _buy_as(member, item_id=item.pk, quantity=2, address_id=address, idempotency_key="limit-00001")
    with pytest.raises(Conflict) as limit:
        _buy_as(member, item_id=item.pk, quantity=1, address_id=address, idempotency_key="limit-00002")
    assert limit.value.code == "flash_limit_reached"
    with django_capture_on_commit_callbacks(execute=True):  # the gates drop when the pause commits
        campaign_act(campaign=sale, action="pause")
    assert flash_gate_left(item.pk) is None
    other, other_address = _buyer()
    with pytest.raises(Conflict) as paused:
        _buy_as(other, item_id=item.pk, quantity=1, address_id=other_address, idempotency_key="paused-0001")
    assert paused.value.code == "flash_closed"


def test_a_lost_gate_reloads_from_the_database_and_a_cancel_gives_the_unit_back(
        in_alpha, django_capture_on_commit_callbacks):
    _, item = _sale(quota=2)
    first, first_address = _buyer()
    order, _created = _buy_as(first, item_id=item.pk, quantity=1, address_id=first_address,
                                idempotency_key="lost-gate-01")
    get_redis_connection("default").delete(_key(item.pk))  # Redis restarted: the gate is gone
    second, second_address = _buyer()
    _buy_as(second, item_id=item.pk, quantity=1, address_id=second_address, idempotency_key="lost-gate-02")
    # A gate that thinks units are left (it drifted) cannot oversell: the database refuses.
    get_redis_connection("default").hset(_key(item.pk), "left", 5)
    third, third_address = _buyer()
    with pytest.raises(Conflict) as refused:
        _buy_as(third, item_id=item.pk, quantity=1, address_id=third_address, idempotency_key="lost-gate-03")
    assert refused.value.code == "flash_sold_out"
    assert flash_gate_left(item.pk) == 5  # the refused order's unit went back to the gate that gave it
    assert flash_reconcile() == 1 and flash_gate_left(item.pk) is None
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, reason="超时未支付", actor="system")
    item.refresh_from_db()
    assert item.sold_count == 1 and not CampaignPurchase.objects.filter(order_id=order.pk).exists()
    _buy_as(third, item_id=item.pk, quantity=1, address_id=third_address, idempotency_key="lost-gate-04")
    assert flash_gate_left(item.pk) == 0


def test_a_cancelled_order_returns_its_unit_to_a_live_gate(in_alpha, django_capture_on_commit_callbacks):
    _, item = _sale(quota=1)
    member, address = _buyer()
    order, _created = _buy_as(member, item_id=item.pk, quantity=1, address_id=address,
                                idempotency_key="cancel-gate-1")
    assert flash_gate_left(item.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, reason="不要了", actor="member")
    assert flash_gate_left(item.pk) == 1
    _buy_as(member, item_id=item.pk, quantity=1, address_id=address, idempotency_key="cancel-gate-2")


CROWD = 30


@pytest.fixture
def crowd(django_db_blocker):
    with django_db_blocker.unblock(), store_for_real("flashrace", "Flash race") as tenant:
        with transaction.atomic(), schema_context(tenant.schema_name):
            _, item = _sale(quota=5, limit=2)
            buyers = [_buyer() for _ in range(CROWD)]
        yield tenant, item, buyers
        with schema_context(tenant.schema_name):
            flash_gate_drop(item.pk)


def _buy(schema: str, buyer, item_id: int, key: str, quantity: int = 1) -> str:
    member, address = buyer
    try:
        with schema_context(schema):
            _buy_as(member, item_id=item_id, quantity=quantity, address_id=address, idempotency_key=key)
            return "ordered"
    except Conflict as refusal:
        return refusal.code
    finally:
        connections.close_all()


def test_a_crowd_gets_exactly_the_quota_and_each_buyer_the_limit(crowd):
    tenant, item, buyers = crowd
    # One buyer tries four times among the crowd, all at once.
    attempts = [(buyers[0], f"self-{i:04d}") for i in range(4)]
    attempts += [(buyers[i], f"crowd-{i:04d}") for i in range(1, CROWD)]
    with ThreadPoolExecutor(max_workers=15) as pool:
        answers = list(pool.map(lambda a: _buy(tenant.schema_name, a[0], item.pk, a[1]), attempts))
    one_buyer, results = answers[:4], answers[4:]
    assert results.count("ordered") + one_buyer.count("ordered") == 5
    assert one_buyer.count("ordered") <= 2
    assert set(results) <= {"ordered", "flash_sold_out"}
    assert set(one_buyer) <= {"ordered", "flash_sold_out", "flash_limit_reached"}
    with schema_context(tenant.schema_name):
        assert FlashSaleItem.objects.get(pk=item.pk).sold_count == 5
        assert Order.objects.filter(lines__sku_id=item.sku_id).count() == 5
        assert CampaignPurchase.objects.filter(campaign_id=item.pk, kind="flash").count() == 5
        assert flash_gate_left(item.pk) == 0


def test_a_level_with_early_access_buys_before_the_start(in_alpha):
    _campaign, item = _sale(quota=5, starts_in=timedelta(minutes=20))
    member_levels()
    MemberLevel.objects.filter(rank=3).update(early_access_minutes=30)
    partner, partner_address = _buyer()
    member_level_set(member_id=partner.pk, rank=3, actor="owner", reason="合伙人")
    fan, fan_address = _buyer()
    with pytest.raises(Conflict) as not_yet:
        _buy_as(fan, item_id=item.pk, quantity=1, address_id=fan_address, idempotency_key="early-fan-0001")
    assert not_yet.value.code == "flash_not_started"
    order, created = _buy_as(partner, item_id=item.pk, quantity=1, address_id=partner_address,
                             idempotency_key="early-partner-0001")
    assert created and order.pricing["promotions"]["flash"]["item_id"] == item.pk
    assert flash_gate_left(item.pk) == 4
