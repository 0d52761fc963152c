"""Recruitment, review, share tokens bound to their store, binding rules and the level cap."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from core.errors import Conflict, ValidationFailed
from tenants.distribution.models import Application, Binding, DistributionSettings, Distributor
from tenants.distribution.network import (
    application_approve,
    application_reject,
    binding_record_visit,
    distributor_apply,
    distributor_from_share_token,
    distributor_set_frozen,
    distributor_share_token,
)
from tenants.distribution.selectors import upline_chain
from tests.factories import MemberFactory
from tests.tenants.distribution.builders import make_distributor, make_paid_order


def configure(**fields):
    DistributionSettings.objects.update_or_create(singleton=1, defaults=fields)


def test_apply_review_and_inviter_becomes_parent(in_alpha):
    configure(recruitment="apply", application_fields=[{"name": "real_name", "label": "姓名", "required": True}])
    inviter = make_distributor()
    member = MemberFactory()
    with pytest.raises(ValidationFailed) as missing:
        distributor_apply(member=member, answers={})
    assert "real_name" in missing.value.fields
    application = distributor_apply(member=member, answers={"real_name": "韩梅梅"},
                                    inviter_token=distributor_share_token(distributor=inviter))
    assert application.status == Application.Status.PENDING
    with pytest.raises(Conflict):
        distributor_apply(member=member, answers={"real_name": "韩梅梅"})
    distributor = application_approve(application=application, actor="ops")
    assert (distributor.parent_id, distributor.upline_ids) == (inviter.pk, [inviter.pk])
    other = distributor_apply(member=MemberFactory(), answers={"real_name": "李雷"})
    with pytest.raises(ValidationFailed):
        application_reject(application=other, reason=" ", actor="ops")
    assert application_reject(application=other, reason="资料不全", actor="ops").status == "rejected"


def test_open_and_threshold_recruitment(in_alpha):
    configure(recruitment="open")
    assert distributor_apply(member=MemberFactory()).status == Application.Status.APPROVED
    configure(recruitment="spend_threshold", recruitment_spend_fen=10000)
    buyer = MemberFactory()
    with pytest.raises(Conflict) as low:
        distributor_apply(member=buyer)
    assert low.value.code == "spend_required"
    make_paid_order(member=buyer, line_prices=[12000])
    assert distributor_apply(member=buyer).status == Application.Status.APPROVED


def test_share_tokens_of_another_store_are_refused(in_alpha, store_b):
    with schema_context(store_b.schema):
        foreign = distributor_share_token(distributor=make_distributor(code="SAMECODE"))
    make_distributor(code="SAMECODE")
    assert distributor_from_share_token(foreign) is None
    with pytest.raises(ValidationFailed):
        binding_record_visit(member=MemberFactory(), share_token=foreign, source="qr")
    assert len(foreign) <= 32  # fits a mini-program QR scene


def test_first_bind_wins_until_it_expires(in_alpha):
    configure(binding_days=30)
    first, second = make_distributor(), make_distributor()
    shopper = MemberFactory()
    now = timezone.now()
    bound = binding_record_visit(member=shopper, share_token=distributor_share_token(distributor=first),
                                 source="link", now=now)
    again = binding_record_visit(member=shopper, share_token=distributor_share_token(distributor=second),
                                 source="qr", scene="x", now=now + timedelta(days=29))
    assert again.pk == bound.pk and again.distributor_id == first.pk
    later = binding_record_visit(member=shopper, share_token=distributor_share_token(distributor=second),
                                 source="qr", now=now + timedelta(days=31))
    assert later.distributor_id == second.pk
    assert Binding.objects.filter(member=shopper).count() == 2


def test_permanent_binding_and_new_customers_only(in_alpha):
    configure(binding_days=0, binding_mode="new_customers_only")
    d = make_distributor()
    token = distributor_share_token(distributor=d)
    newcomer = MemberFactory()
    assert binding_record_visit(member=newcomer, share_token=token, source="link").expires_at is None
    regular = MemberFactory()
    make_paid_order(member=regular, line_prices=[100])
    assert binding_record_visit(member=regular, share_token=token, source="link") is None


def test_no_self_binding_and_no_cycles(in_alpha):
    top = make_distributor()
    child = make_distributor(parent=top)
    assert binding_record_visit(member=top.member, share_token=distributor_share_token(distributor=top),
                                source="link") is None
    assert binding_record_visit(member=top.member, share_token=distributor_share_token(distributor=child),
                                source="link") is None


def test_chain_never_exceeds_three_levels(in_alpha, django_assert_num_queries):
    chain = [make_distributor()]
    for _ in range(5):
        chain.append(make_distributor(parent=chain[-1]))
    deepest = Distributor.objects.get(pk=chain[-1].pk)
    assert len(deepest.upline_ids) == 2
    with django_assert_num_queries(1):
        found = upline_chain(start=deepest, levels=3)
    assert [d.pk for d in found] == [chain[-1].pk, chain[-2].pk, chain[-3].pk]


def test_frozen_distributors_are_not_bound_to(in_alpha):
    d = make_distributor()
    token = distributor_share_token(distributor=d)
    distributor_set_frozen(distributor=d, frozen=True, reason="异常订单")
    with pytest.raises(ValidationFailed):
        binding_record_visit(member=MemberFactory(), share_token=token, source="link")
