"""A demo store's last ninety days, lived through the platform's own services on a travelling clock
(time-machine), so that every timestamp, chart and balance is one the platform itself produced:

shoppers log in through the WeChat sandbox and fill their address books; distributors apply, are approved and
recruit under one another (two levels) and are promoted by the grade rules; shoppers arrive through their
links and are bound; orders are placed, paid through the WeChat Pay sandbox (its signed notifications handled
by the same code as WeChat's), shipped, received, reviewed and closed; a few are never paid and are cancelled,
a few are refunded (the refund asked of the sandbox, its notification clawing the commission back); settlement
releases matured commissions every night and distributors withdraw to their bank cards.

Nothing is inserted behind the services' backs, so the ledger reconciles."""

from __future__ import annotations

import heapq
import itertools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import time_machine
from django.utils import timezone

from sandbox.wechatpay import WeChatPaySandbox
from tenants.catalog.models import Product
from tenants.distribution.configuration import DistributionRules, distribution_settings_update
from tenants.distribution.grades import grade_save, grades_evaluate
from tenants.distribution.models import Application, Distributor, Withdrawal
from tenants.distribution.network import (
    application_approve,
    binding_record_visit,
    distributor_apply,
    distributor_share_token,
)
from tenants.distribution.rules import rule_set_draft_create, rule_set_publish, rule_set_set_level_rate
from tenants.distribution.selectors import distribution_settings_get, distributor_balances
from tenants.distribution.settlement import settle_matured
from tenants.distribution.withdrawals import withdrawal_approve, withdrawal_mark_paid, withdrawal_request
from tenants.loyalty.accrual import points_accrue
from tenants.loyalty.levels import levels_evaluate
from tenants.loyalty.points import loyalty_settings_get
from tenants.members.models import Member
from tenants.members.services import AddressInput, address_create, member_login_wechat, member_update_profile
from tenants.orders.aftersales import after_sale_approve, after_sale_request
from tenants.orders.models import CARRIERS, AfterSale, Order
from tenants.orders.reviews import review_create
from tenants.orders.selectors import order_settings_get
from tenants.orders.services import (
    order_cancel,
    order_complete,
    order_confirm_receipt,
    order_create,
    order_ship,
)
from tenants.payments.models import Payment, Refund
from tenants.payments.refunds import refund_execute
from tenants.payments.services import payment_notification_handle, payment_prepare

KEY_PREFIX = "demo-"  # the demo's orders' idempotency keys: their presence says the history is there
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["小雨", "晓敏", "子涵", "欣怡", "浩然", "思远", "佳琪", "梓萱", "一诺", "雨桐", "俊杰", "诗涵", "宇航",
         "婉清", "梦瑶", "嘉怡", "文博", "若曦", "晨曦", "安琪"]
DISTRICTS = ["310115", "310104", "110105", "110108", "440305", "440106", "330106", "320102", "510104", "420106",
             "500103", "610113", "350203", "370202", "430104"]
STREETS = ["世纪大道", "中山路", "人民路", "建设路", "解放路", "长江路", "科技园路", "滨江大道"]
REASONS = ["不想要了", "商品与描述不符", "拍错了 / 多拍了", "质量问题"]
REVIEWS = {5: ["很好用，已经回购了", "包装精美，物流很快", "效果超出预期，推荐", "品质很好，下次还来"],
           4: ["整体不错，性价比高", "东西挺好，就是快递慢了一点", "和描述一致，满意"],
           3: ["一般般，凑合用", "还行吧，没有想象中好"]}


@dataclass
class Story:
    """What is being lived through: the clock's events in time order, and the cast so far."""

    rng: random.Random
    now: datetime
    gateway: WeChatPaySandbox
    notify_url: str
    shoppers: list[Member] = field(default_factory=list)
    distributors: list[Distributor] = field(default_factory=list)
    tokens: dict[int, str] = field(default_factory=dict)  # distributor id -> share token
    products: list[Product] = field(default_factory=list)
    done: Counter = field(default_factory=Counter)
    _events: list = field(default_factory=list)
    _seq: itertools.count = field(default_factory=itertools.count)
    _orders: itertools.count = field(default_factory=itertools.count)

    def at(self, when: datetime, action: Callable, *args) -> None:
        if when <= self.now:
            heapq.heappush(self._events, (when, next(self._seq), action, args))

    def run(self, progress: Callable[[int], None] | None = None) -> None:
        while self._events:
            when, _seq, action, args = heapq.heappop(self._events)
            with time_machine.travel(when, tick=False):
                action(self, when, *args)
            if progress:
                progress(1)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _rules(story: Story) -> None:
    """Distribution on, by application with two questions, two levels, a week's freeze; grades; rates."""
    rules = replace(DistributionRules.of(distribution_settings_get()), enabled=True, levels=2, recruitment="apply",
                    application_fields=("*真实姓名", "微信号"),
                    freeze_days=max(7, order_settings_get().after_sale_days),
                    withdrawal_min_fen=5000, withdrawal_fee_bp=0, withdrawal_daily_cap_fen=500_000,
                    withdrawal_auto_approve_below_fen=0)
    distribution_settings_update(rules=rules)
    silver = grade_save(grade=None, name="银牌分销员", rank=1, promotion={"orders_30d": 3})
    gold = grade_save(grade=None, name="金牌分销员", rank=2, promotion={"orders_30d": 8, "team_sales_fen": 100_000})
    draft = rule_set_draft_create(note="演示店铺的佣金规则")
    for grade, (first, repeat) in ((None, (1500, 1000)), (silver, (1800, 1200)), (gold, (2200, 1500))):
        rule_set_set_level_rate(rule_set=draft, level=1, first_order_bp=first, repeat_order_bp=repeat, grade=grade)
    rule_set_set_level_rate(rule_set=draft, level=2, first_order_bp=500, repeat_order_bp=300)
    rule_set_publish(rule_set=draft)


def _join(story: Story, when: datetime, number: int, as_distributor: bool) -> None:
    """A shopper logs in for the first time (the mini-program's WeChat login, through the sandbox)."""
    rng = story.rng
    member, _token, _new = member_login_wechat(code=f"demo-shopper-{number:04d}")
    name = _name(rng)
    member_update_profile(member=member, nickname=name)
    address_create(member=member, values=AddressInput(
        recipient=name, phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}", region_code=rng.choice(DISTRICTS),
        detail=f"{rng.choice(STREETS)}{rng.randrange(1, 999)}号{rng.randrange(1, 30)}栋{rng.randrange(101, 2505)}室"))
    if story.distributors and not as_distributor and rng.random() < 0.75:
        sharer = rng.choice(story.distributors)
        binding_record_visit(member=member, share_token=story.tokens[sharer.pk],
                             source=rng.choice(["link", "link", "qr", "poster"]))
    story.shoppers.append(member)
    story.done["shoppers"] += 1
    if as_distributor:
        inviter = story.tokens[rng.choice(story.distributors[:6]).pk] if len(story.distributors) >= 6 else ""
        distributor_apply(member=member, answers={"真实姓名": name, "微信号": f"wx_{number:04d}"},
                          inviter_token=inviter)
        story.at(when + timedelta(hours=rng.randint(1, 20)), _approve, member.pk)


def _apply(story: Story, when: datetime) -> None:
    """The newest shopper who has not applied asks to become a distributor."""
    applied = set(Application.objects.values_list("member_id", flat=True))
    member = next(m for m in reversed(story.shoppers) if m.pk not in applied)
    distributor_apply(member=member, answers={"真实姓名": member.nickname, "微信号": f"wx_{member.pk:04d}"})


def _approve(story: Story, when: datetime, member_id: int) -> None:
    application = Application.objects.get(member_id=member_id, status=Application.Status.PENDING)
    distributor = application_approve(application=application, actor="owner")
    story.distributors.append(distributor)
    story.tokens[distributor.pk] = distributor_share_token(distributor=distributor)
    story.done["distributors"] += 1


def _place(story: Story, when: datetime) -> None:
    rng = story.rng
    if not story.shoppers:
        return
    member = rng.choice(story.shoppers)
    if not story.products:
        story.products = list(Product.objects.filter(status=Product.Status.ON_SALE).order_by("pk")
                              .prefetch_related("skus"))
        rng.shuffle(story.products)
    products = story.products
    weights = [1 / (i + 2) for i in range(len(products))]  # a few best sellers, a long tail
    chosen = {p.pk: p for p in rng.choices(products, weights=weights, k=rng.choice([1, 1, 1, 2, 2, 3]))}
    items = [{"sku_id": rng.choice(list(p.skus.all())).pk, "quantity": rng.choice([1, 1, 1, 2])}
             for p in chosen.values()]
    order, _created = order_create(member=member, idempotency_key=f"{KEY_PREFIX}{next(story._orders):06d}",
                                   address_id=member.addresses.get(is_default=True).pk, items=items,
                                   device_id=f"device-{member.pk}", now=when)
    story.done["orders"] += 1
    if rng.random() < 0.08:  # never paid: the store's timer cancels it
        story.at(when + timedelta(minutes=order_settings_get().auto_cancel_minutes), _expire, order.pk)
    else:
        story.at(when + timedelta(minutes=rng.randint(1, 12)), _pay, order.pk)


def _expire(story: Story, when: datetime, order_id: int) -> None:
    order_cancel(order=Order.objects.get(pk=order_id), reason="超时未支付", actor="system")
    story.done["cancelled"] += 1


def _pay(story: Story, when: datetime, order_id: int) -> None:
    """WeChat Pay as in the mini-program: prepared through the SDK against the sandbox, paid there, and its
    signed notification handled as the notify endpoint would."""
    order = Order.objects.select_related("member").get(pk=order_id)
    payment_prepare(order=order, notify_url=story.notify_url, payer_openid=order.member.openid,
                    client_ip="127.0.0.1")
    out_trade_no = Payment.objects.get(order=order).out_trade_no
    story.gateway.pay(out_trade_no)
    headers, body = story.gateway.notification(out_trade_no)
    if (outcome := payment_notification_handle(headers=headers, body=body.encode())) != "paid":
        raise RuntimeError(f"demo order {order.number}: the payment notification was {outcome}")
    story.done["paid"] += 1
    rng = story.rng
    if rng.random() < 0.03:  # changed their mind before it left
        story.at(when + timedelta(hours=rng.randint(1, 6)), _refund_asked, order_id, AfterSale.Kind.REFUND_ONLY)
    else:
        story.at(when + timedelta(hours=rng.randint(3, 30)), _ship, order_id)


def _ship(story: Story, when: datetime, order_id: int) -> None:
    order = Order.objects.get(pk=order_id)
    if order.status != Order.Status.PAID:
        return
    carrier = story.rng.choice(list(CARRIERS))
    order_ship(order=order, carrier_code=carrier, tracking_no=f"{carrier}{story.rng.randrange(10**11, 10**12)}",
               actor="owner", now=when)
    story.at(when + timedelta(days=story.rng.randint(2, 5), hours=story.rng.randint(0, 12)), _receive, order_id)


def _receive(story: Story, when: datetime, order_id: int) -> None:
    order = order_confirm_receipt(order=Order.objects.get(pk=order_id), actor="member", now=when)
    story.done["received"] += 1
    rng = story.rng
    if rng.random() < 0.05:
        story.at(when + timedelta(days=1, hours=rng.randint(0, 20)), _refund_asked, order_id,
                 rng.choice([AfterSale.Kind.REFUND_ONLY, AfterSale.Kind.RETURN_REFUND]))
    elif rng.random() < 0.45:
        story.at(when + timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 20)), _review, order_id)
    story.at(order.received_at + timedelta(days=order_settings_get().after_sale_days, hours=2), _complete, order_id)


def _review(story: Story, when: datetime, order_id: int) -> None:
    order = Order.objects.select_related("member").get(pk=order_id)
    rating = story.rng.choices([5, 4, 3], weights=[70, 24, 6])[0]
    for line in order.lines.all():
        review_create(member=order.member, order_line_id=line.pk, rating=rating,
                      text=story.rng.choice(REVIEWS[rating]), photos=[])
        story.done["reviews"] += 1


def _refund_asked(story: Story, when: datetime, order_id: int, kind: str) -> None:
    order = Order.objects.get(pk=order_id)
    line = story.rng.choice(list(order.lines.all()))
    after_sale = after_sale_request(order=order, kind=kind, lines={line.pk: line.quantity},
                                    reason=story.rng.choice(REASONS), actor=f"member:{order.member_id}")
    story.done["after_sales"] += 1
    story.at(when + timedelta(hours=story.rng.randint(2, 20)), _refund_approved, after_sale.pk)


def _refund_approved(story: Story, when: datetime, after_sale_id: int) -> None:
    """The merchant approves; a return is sent back and received first; WeChat refunds through the sandbox."""
    after_sale = after_sale_approve(after_sale=AfterSale.objects.get(pk=after_sale_id), actor="owner")
    if after_sale.status == AfterSale.Status.AWAITING_RETURN:
        return  # left waiting for the shopper's parcel: the console's after-sales queue has some work
    refund = Refund.objects.get(after_sale_id=after_sale_id)
    refund_execute(refund.pk)
    headers, body = story.gateway.refund_notification(refund.out_refund_no)
    if (outcome := payment_notification_handle(headers=headers, body=body.encode())) != "refunded":
        raise RuntimeError(f"demo refund {refund.out_refund_no}: the refund notification was {outcome}")
    story.done["refunds"] += 1


def _complete(story: Story, when: datetime, order_id: int) -> None:
    order = Order.objects.get(pk=order_id)
    if order.status == Order.Status.RECEIVED and not order.after_sales.filter(
            status__in=AfterSale.OPEN_STATUSES).exists():
        order_complete(order=order, now=when)


def _night(story: Story, when: datetime) -> None:
    """The store's nightly jobs: settle matured commissions, promote distributors by the grade rules; received
    orders earn their points and members rise to the levels they reach."""
    story.done["released"] += settle_matured(now=when, freeze_days=distribution_settings_get().freeze_days
                                             ).released_count
    grades_evaluate(now=when)
    story.done["points"] += points_accrue(rules=loyalty_settings_get(), now=when).points
    story.done["level_rises"] += levels_evaluate(rules=loyalty_settings_get(), now=when).risen


def _withdrawals(story: Story, when: datetime) -> None:
    """Monday morning: some distributors take most of what they may; finance pays by bank transfer next day."""
    for distributor in Distributor.objects.order_by("pk"):
        amount = distributor_balances(distributor=distributor)["available_fen"] * 4 // 5 // 1000 * 1000
        if amount < distribution_settings_get().withdrawal_min_fen or story.rng.random() < 0.4:
            continue
        withdrawal, _created = withdrawal_request(
            distributor=distributor, idempotency_key=f"{KEY_PREFIX}w-{distributor.pk}-{when:%Y%m%d}",
            amount_fen=amount, method=Withdrawal.Method.BANK,
            bank_account=f"招商银行 6225 88** **** {story.rng.randrange(1000, 9999)} {distributor.member.nickname}",
            now=when)
        story.done["withdrawals"] += 1
        story.at(when + timedelta(days=1, hours=2), _pay_out, withdrawal.pk)


def _pay_out(story: Story, when: datetime, withdrawal_id: int) -> None:
    withdrawal = withdrawal_approve(withdrawal=Withdrawal.objects.get(pk=withdrawal_id), actor="finance", now=when)
    withdrawal_mark_paid(withdrawal=withdrawal, actor="finance", now=when)


def history_exists() -> bool:
    return Order.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists()


def history_seed(*, gateway: WeChatPaySandbox, notify_url: str, days: int = 90, shoppers: int = 200,
                 distributors: int = 30, orders_per_day: float = 3.5, seed: str = "demo",
                 progress: Callable[[int], None] | None = None, now: datetime | None = None) -> Counter:
    """Live the store's last ``days`` days (call inside one transaction: a history is there whole or not at all).
    Returns what happened, counted."""
    now = now or timezone.now()
    start = now - timedelta(days=days)
    rng = random.Random(seed)  # noqa: S311 - a story, not secrets
    story = Story(rng=rng, now=now, gateway=gateway, notify_url=notify_url)
    with time_machine.travel(start - timedelta(days=1), tick=False):
        _rules(story)
    for number in range(shoppers):  # the distributors first, in the first fortnight; shoppers all along
        as_distributor = number < distributors
        offset = timedelta(days=14 * number / distributors) if as_distributor else \
            timedelta(days=days * (number - distributors) / (shoppers - distributors) * 0.99)
        story.at(start + offset + timedelta(minutes=rng.randint(0, 600)), _join, number, as_distributor)
    for hours in (30, 5):  # applications of the last days, waiting for the merchant
        story.at(now - timedelta(hours=hours), _apply)
    for day in range(days):
        midnight = start + timedelta(days=day)
        # Sales grow over the season: a third of the pace at first, the full pace by the end.
        count = round(orders_per_day * (0.35 + 0.65 * day / days) * rng.uniform(0.6, 1.4))
        for _n in range(count):
            story.at(midnight + timedelta(hours=rng.choice([9, 10, 12, 13, 15, 19, 20, 21, 22]),
                                          minutes=rng.randint(0, 59)), _place)
        story.at(midnight + timedelta(days=1, hours=3), _night)
        if (midnight + timedelta(days=1)).weekday() == 0:
            story.at(midnight + timedelta(days=1, hours=10), _withdrawals)
    story.run(progress)
    return story.done
