"""PIPL: a member's data comes out whole (profile, addresses, orders, points, coupons, distribution); a deletion
waits while business is unfinished (saying why) and then erases every personal field and the member's devices,
keeps the orders' amounts and the ledger under the anonymous id, stops the member's tokens, frees the WeChat id to
join again, and every request is recorded."""

from __future__ import annotations

from datetime import date

from tenants.distribution.models import Distributor
from tenants.ledger.models import Account
from tenants.ledger.selectors import ledger_reconcile
from tenants.ledger.services import Line, account_for, journal_post
from tenants.loyalty.points import points_grant
from tenants.members.models import Member
from tenants.members.services import member_update_profile
from tenants.members.tokens import member_from_token, member_token_issue
from tenants.orders.services import order_cancel, order_create
from tenants.privacy.models import PrivacyRequest
from tenants.privacy.services import member_data_export, member_erase


def test_the_data_download_then_a_deletion_that_waits_for_an_unfinished_order(cart):
    member = cart["member"]
    member_update_profile(member=member, nickname="小雨", birthday=date(1995, 6, 1), marketing_consent=True)
    points_grant(member_id=member.pk, points=120, key="privacy:gift", memo="开业礼")
    order, _created = order_create(member=member, idempotency_key="privacy-0001", address_id=cart["address"],
                                   items=[{"sku_id": cart["cream"], "quantity": 1}], coupon_ids=[], remark="放门口")
    data = member_data_export(member_id=member.pk, actor="member")
    assert data["profile"]["nickname"] == "小雨" and data["profile"]["birthday"] == "1995-06-01"
    assert data["profile"]["marketing_consent"] is True and data["profile"]["level"] == "粉丝"
    assert len(data["addresses"]) == 1 and data["orders"][0]["number"] == order.number
    assert data["orders"][0]["lines"][0]["title"] == "面霜" and data["points"]["balance"] == 120
    token, openid = member_token_issue(member=member), member.openid
    assert openid

    waiting = member_erase(member_id=member.pk, actor="member")
    assert waiting.status == "pending" and waiting.blocked_reason == "有未完成的订单"
    assert Member.objects.get(pk=member.pk).nickname == "小雨"  # nothing erased yet
    order_cancel(order=order, reason="不要了", actor="member")
    done = member_erase(member_id=member.pk, actor="owner")
    assert (done.pk, done.status, done.done_by) == (waiting.pk, "done", "owner")
    erased = Member.objects.get(pk=member.pk)
    assert (erased.nickname, erased.phone, erased.openid, erased.birthday, erased.is_active,
            erased.marketing_consent) == ("已注销用户", "", None, None, False, False)
    assert not erased.addresses.exists() and member_from_token(token) is None
    order.refresh_from_db()
    assert order.address["recipient"] == "已注销用户" and order.address["detail"] == "" and order.remark == ""
    assert order.payable_fen == 9900 + 800  # the amounts stay
    assert ledger_reconcile().ok
    assert list(PrivacyRequest.objects.order_by("pk").values_list("kind", "status")) == [("export", "done"),
                                                                                         ("delete", "done")]
    assert Member.objects.create(openid=openid).pk != member.pk  # the WeChat id is free to join anew


def test_a_distributor_with_money_owed_waits(cart):
    member = cart["member"]
    distributor = Distributor.objects.create(member=member, code="PRIV0001")
    journal_post(kind="bonus", idempotency_key="privacy:bonus", lines=[
        Line(account_for(kind=Account.Kind.DISTRIBUTOR_AVAILABLE, owner_id=distributor.pk), 500),
        Line(account_for(kind=Account.Kind.STORE_COMMISSION_EXPENSE), -500)])
    assert member_erase(member_id=member.pk, actor="member").blocked_reason == "分销佣金未结清"
