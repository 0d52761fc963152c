"""Grades: promoted by the daily job when every rule holds, logged, never demoted automatically."""

from django.utils import timezone

from tenants.distribution.grades import distributor_set_grade, grades_evaluate
from tenants.distribution.models import Distributor, Grade, GradeChange
from tenants.orders.models import Order
from tests.factories import MemberFactory
from tests.tenants.distribution.builders import make_distributor, make_paid_order


def _sell(distributor, count, price=10000):
    for _ in range(count):
        order = make_paid_order(member=MemberFactory(), line_prices=[price])
        Order.objects.filter(pk=order.pk).update(distributor_id=distributor.pk)


def test_promotion_needs_every_rule_and_is_logged(in_alpha):
    Grade.objects.create(name="初级", rank=1, promotion_rules={})
    senior = Grade.objects.create(name="高级", rank=2, promotion_rules={"orders_30d": 5, "team_sales_fen": 80000})
    mentor = Grade.objects.create(name="导师", rank=3, promotion_rules={"orders_30d": 5, "team_sales_fen": 200000})
    top = make_distributor()
    child = make_distributor(parent=top)
    _sell(top, 4)
    _sell(child, 4)
    assert grades_evaluate(now=timezone.now()) == 2  # both reach 初级 (no rules)
    assert Distributor.objects.get(pk=top.pk).grade.name == "初级"
    _sell(top, 1)  # 5 orders in 30 days, team sales 9 x 100.00
    grades_evaluate(now=timezone.now())
    assert Distributor.objects.get(pk=top.pk).grade == senior
    assert Distributor.objects.get(pk=child.pk).grade.name == "初级"  # 4 orders: not senior
    assert GradeChange.objects.filter(distributor=top, to_grade=senior, actor="system").exists()
    assert mentor.rank == 3


def test_no_silent_demotion(in_alpha):
    senior = Grade.objects.create(name="高级", rank=2, promotion_rules={"orders_30d": 1})
    d = make_distributor()
    distributor_set_grade(distributor=d, grade=senior, actor="owner", reason="老客户")
    assert grades_evaluate(now=timezone.now()) == 0  # no orders now, but stays senior
    assert Distributor.objects.get(pk=d.pk).grade == senior
    distributor_set_grade(distributor=d, grade=None, actor="owner", reason="违规")
    assert list(GradeChange.objects.filter(distributor=d).values_list("actor", flat=True)) == ["owner", "owner"]
