"""Segments and tags: rules are checked field by field (a lapse shorter than the recency, a range upside down, an
unknown level or tag, no rule at all); a segment holds the active members its rules match now — recency, frequency,
spend net of refunds, level, distributing or not, tags; a rule tag follows its rules (given and taken away); a
manual tag only by hand; a tag that rules use is not deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ValidationFailed
from tenants.crm.models import MemberTag, Tag
from tenants.crm.services import (
    member_tag_set,
    segment_delete,
    segment_member_ids,
    segment_save,
    tag_delete,
    tag_save,
    tags_apply_rules,
)
from tenants.distribution.models import Distributor
from tenants.loyalty.levels import member_level_set, member_levels
from tenants.orders.services import order_create, order_mark_paid
from tests.factories import AddressFactory, MemberFactory


def _paid(member, sku_id: int, quantity: int, key: str, days_ago: int = 0):
    address = member.addresses.first() or AddressFactory(member=member)
    order, _created = order_create(member=member, idempotency_key=key, address_id=address.pk,
                                   items=[{"sku_id": sku_id, "quantity": quantity}], coupon_ids=[])
    order_mark_paid(order_id=order.pk, paid_fen=order.payable_fen, transaction_id=f"tx-{key}",
                    paid_at=timezone.now() - timedelta(days=days_ago))
    return order


def test_rules_are_checked_field_by_field(in_alpha):
    with pytest.raises(ValidationFailed) as bad:
        segment_save(segment=None, name=" ", rules={"paid_within_days": 30, "not_paid_days": 10, "min_orders": 5,
                                                    "max_orders": 2, "level_ranks": [9], "tag_ids": [424242]})
    assert set(bad.value.fields) == {"name", "not_paid_days", "max_orders", "level_ranks", "tag_ids"}
    with pytest.raises(ValidationFailed) as empty:
        segment_save(segment=None, name="全部", rules={})
    assert set(empty.value.fields) == {"paid_within_days"}


def test_segments_match_recency_frequency_spend_level_distribution_and_tags(cart):
    member_levels()
    loyal, lapsed, idle = cart["member"], MemberFactory(), MemberFactory()
    _paid(loyal, cart["cream"], 2, "crm-0001")
    _paid(loyal, cart["lipstick"], 1, "crm-0002")
    _paid(lapsed, cart["lipstick"], 1, "crm-0003", days_ago=100)
    member_level_set(member_id=loyal.pk, rank=2, actor="owner", reason="VIP")
    Distributor.objects.create(member=lapsed, code="CRM00001")
    regulars = segment_save(segment=None, name="活跃复购", rules={"paid_within_days": 30, "min_orders": 2,
                                                               "min_spend_fen": 20000})
    assert segment_member_ids(segment_id=regulars.pk) == [loyal.pk]
    gone = segment_save(segment=None, name="流失", rules={"not_paid_days": 60, "min_orders": 1})
    assert segment_member_ids(segment_id=gone.pk) == [lapsed.pk]
    assert segment_member_ids(segment_id=segment_save(segment=None, name="从未购买", rules={
        "max_orders": 0}).pk) == [idle.pk]
    vips = segment_save(segment=None, name="VIP 非分销员", rules={"level_ranks": [2, 3], "distributor": "no"})
    assert segment_member_ids(segment_id=vips.pk) == [loyal.pk]
    star = tag_save(tag=None, name="美学推荐官")
    member_tag_set(member_id=idle.pk, tag_id=star.pk, on=True)
    member_tag_set(member_id=idle.pk, tag_id=star.pk, on=True)  # twice is once
    tagged = segment_save(segment=None, name="推荐官", rules={"tag_ids": [star.pk]})
    assert segment_member_ids(segment_id=tagged.pk) == [idle.pk]


def test_a_rule_tag_follows_its_rules_and_only_manual_tags_are_set_by_hand(cart):
    buyer, other = cart["member"], MemberFactory()
    big = tag_save(tag=None, name="高消费", rules={"min_spend_fen": 15000})
    assert not MemberTag.objects.filter(tag=big).exists()
    _paid(buyer, cart["cream"], 2, "crm-0011")
    assert tags_apply_rules() == 1
    assert list(MemberTag.objects.filter(tag=big).values_list("member_id", "by_rule")) == [(buyer.pk, True)]
    with pytest.raises(ValidationFailed):
        member_tag_set(member_id=other.pk, tag_id=big.pk, on=True)
    big.rules = {"min_spend_fen": 50000}
    big.save()
    assert tags_apply_rules() == 1 and not MemberTag.objects.filter(tag=big).exists()


def test_a_tag_in_use_is_not_deleted(in_alpha):
    star = tag_save(tag=None, name="美学推荐官")
    users = segment_save(segment=None, name="推荐官", rules={"tag_ids": [star.pk]})
    with pytest.raises(ValidationFailed) as in_use:
        tag_delete(tag_id=star.pk)
    assert "推荐官" in in_use.value.fields["tag"][0]
    segment_delete(segment_id=users.pk)
    tag_delete(tag_id=star.pk)
    assert not Tag.objects.exists()
