"""Automatic grade promotion. A daily job measures every distributor and moves them up to the highest
grade whose rules they all meet; it never moves anyone down (a merchant may, by hand, and that is
logged too).

Rules a grade may set (all must hold): ``orders_30d`` (paid orders they brought in 30 days),
``team_sales_fen`` (paid sales brought by them and their downline), ``spent_fen`` (their own purchases)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from tenants.orders.models import Order

from .models import Distributor, Grade, GradeChange, LevelRate

PAID = [Order.Status.PAID, Order.Status.SHIPPED, Order.Status.RECEIVED, Order.Status.COMPLETED]


def _metrics(now: datetime) -> dict[int, dict[str, int]]:
    metrics: dict[int, dict[str, int]] = defaultdict(lambda: {"orders_30d": 0, "team_sales_fen": 0, "spent_fen": 0})
    attributed = (Order.objects.filter(status__in=PAID, distributor_id__isnull=False).values("distributor_id")
                  .annotate(orders_30d=Count("pk", filter=Q(paid_at__gte=now - timedelta(days=30))),
                            sales=Sum("paid_fen")))
    own_sales = {row["distributor_id"]: row for row in attributed}
    distributors = list(Distributor.objects.values("pk", "member_id", "upline_ids"))
    for d in distributors:
        row = own_sales.get(d["pk"], {"orders_30d": 0, "sales": 0})
        metrics[d["pk"]]["orders_30d"] = row["orders_30d"]
        for pk in [d["pk"], *d["upline_ids"]]:  # a sale counts for the seller's whole upline team
            metrics[pk]["team_sales_fen"] += row["sales"] or 0
    spent = dict(Order.objects.filter(status__in=PAID).values("member_id").annotate(s=Sum("paid_fen"))
                 .values_list("member_id", "s"))
    for d in distributors:
        metrics[d["pk"]]["spent_fen"] = spent.get(d["member_id"], 0) or 0
    return metrics


def _meets(rules: dict, values: dict[str, int]) -> bool:
    return all(values.get(name, 0) >= int(threshold) for name, threshold in rules.items())


@transaction.atomic
def grades_evaluate(*, now: datetime) -> int:
    """Promote whoever qualifies; returns how many were promoted."""
    grades = list(Grade.objects.order_by("rank"))
    if not grades:
        return 0
    metrics = _metrics(now)
    promoted = 0
    for distributor in Distributor.objects.select_for_update(of=("self",)).select_related("grade"):
        current_rank = distributor.grade.rank if distributor.grade else -1
        target = None
        for grade in grades:
            if grade.rank > current_rank and _meets(grade.promotion_rules, metrics[distributor.pk]):
                target = grade
        if target is None:
            continue
        GradeChange.objects.create(distributor=distributor, from_grade=distributor.grade, to_grade=target,
                                   reason=f"自动升级：{metrics[distributor.pk]}", actor="system")
        distributor.grade = target
        distributor.save(update_fields=["grade"])
        promoted += 1
    return promoted


@transaction.atomic
def distributor_set_grade(*, distributor: Distributor, grade: Grade | None, actor: str, reason: str) -> Distributor:
    """A merchant's manual change (the only way down), always logged."""
    distributor = Distributor.objects.select_for_update().get(pk=distributor.pk)
    GradeChange.objects.create(distributor=distributor, from_grade=distributor.grade, to_grade=grade,
                               reason=reason[:200] or "手动调整", actor=actor)
    distributor.grade = grade
    distributor.save(update_fields=["grade"])
    return distributor


# What a grade's promotion can require (each optional): paid orders in 30 days, team sales and own spending (fen).
RULE_FIELDS = ("orders_30d", "team_sales_fen", "spent_fen")
MAX_RANK = 99


def grade_problems(*, grade: Grade | None, name: str | None, rank: int | None) -> dict[str, list[str]]:
    """What is wrong with a grade's name and rank (None: not known yet, not checked): each unique, the rank
    from 1 to MAX_RANK (higher is better)."""
    errors: dict[str, list[str]] = {}
    others = Grade.objects.exclude(pk=grade.pk) if grade else Grade.objects.all()
    if name is not None:
        if not name.strip() or len(name.strip()) > 20:
            errors["name"] = [_("请填写等级名称（20 字以内）。")]
        elif others.filter(name=name.strip()).exists():
            errors["name"] = [_("已有同名等级。")]
    if rank is not None:
        if not 1 <= rank <= MAX_RANK:
            errors["rank"] = [_("请填写 1 到 99 之间的级别，数字越大等级越高。")]
        elif others.filter(rank=rank).exists():
            errors["rank"] = [_("已有相同级别的等级。")]
    return errors


@transaction.atomic
def grade_save(*, grade: Grade | None, name: str, rank: int, promotion: dict[str, int]) -> Grade:
    """Create or edit a grade: a unique name and rank, and its promotion rules (``RULE_FIELDS``, each optional,
    amounts in fen)."""
    errors = grade_problems(grade=grade, name=name, rank=rank)
    unknown = set(promotion) - set(RULE_FIELDS)
    for key, value in promotion.items():
        if key in unknown or value < 0:
            errors[key] = [_("请填写非负数。")]
    if errors:
        raise ValidationFailed(_("请修正标出的字段。"), fields=errors)
    grade = grade or Grade()
    grade.name, grade.rank, grade.promotion_rules = name.strip(), rank, promotion
    grade.save()
    return grade


@transaction.atomic
def grade_delete(*, grade: Grade) -> None:
    """Remove a grade nobody holds (history keeps its name through the change log's reason)."""
    if Distributor.objects.filter(grade=grade).exists():
        message = _("还有分销员处于该等级，不能删除。")
        raise ValidationFailed(message, fields={"grade": [message]})
    if LevelRate.objects.filter(grade=grade).exists():
        message = _("佣金规则里有该等级的专属比例，不能删除。")
        raise ValidationFailed(message, fields={"grade": [message]})
    GradeChange.objects.filter(Q(from_grade=grade) | Q(to_grade=grade)).update(
        reason=Concat(F("reason"), Value(f"（等级「{grade.name}」已删除）")))
    GradeChange.objects.filter(from_grade=grade).update(from_grade=None)
    GradeChange.objects.filter(to_grade=grade).update(to_grade=None)
    grade.delete()
