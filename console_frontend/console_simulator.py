"""Merchant console: the commission simulator — try new level rates on the last N days of real orders."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from tenants.catalog.models import Product
from tenants.distribution.models import Distributor
from tenants.distribution.rules import rule_set_draft_create, rule_set_publish, rule_set_set_level_rate
from tenants.distribution.selectors import rule_set_current
from tenants.distribution.simulator import simulate

from .roles import console_area


def _percent_to_bp(value: str) -> int:
    return round(float(value or 0) * 100)


@console_area("distribution")
@require_http_methods(["GET", "POST"])
def simulator(request: HttpRequest) -> HttpResponse:
    current = rule_set_current()
    current_rates = {r.level: r for r in current.level_rates.filter(grade__isnull=True)} if current else {}
    context = {"store": request.tenant, "nav": "distribution", "current": current, "days": 30,
               "rates": [(level, current_rates.get(level)) for level in (1, 2, 3)], "result": None, "message": ""}
    if request.method == "POST":
        try:
            days = min(max(int(request.POST.get("days", 30)), 1), 180)
            context["days"] = days
            with transaction.atomic():
                draft = rule_set_draft_create(based_on=current, note="模拟")
                for level in (1, 2, 3):
                    first, repeat = request.POST.get(f"first_{level}", ""), request.POST.get(f"repeat_{level}", "")
                    if first or repeat:
                        rule_set_set_level_rate(rule_set=draft, level=level, first_order_bp=_percent_to_bp(first),
                                                repeat_order_bp=_percent_to_bp(repeat or first))
                result = simulate(draft=draft, days=days, now=timezone.now())
                if request.POST.get("action") == "publish":
                    rule_set_publish(rule_set=draft)
                    context["message"] = f"已发布第 {draft.version} 版佣金规则"
                else:
                    transaction.set_rollback(True)  # a simulation leaves no draft behind
        except (DomainError, ValueError) as exc:
            context["message"] = getattr(exc, "message", "请输入有效的数字")
            return render(request, "console_frontend/simulator.html", context, status=400)
        names = dict(Distributor.objects.filter(pk__in=list(result.draft.by_distributor)
                                                + list(result.current.by_distributor))
                     .values_list("pk", "code"))
        titles = dict(Product.objects.filter(pk__in=list(result.draft.by_product) + list(result.current.by_product))
                      .values_list("pk", "title"))
        context["result"] = result
        context["by_distributor"] = sorted(
            ((names.get(pk, pk), result.current.by_distributor.get(pk, 0), result.draft.by_distributor.get(pk, 0))
             for pk in set(result.draft.by_distributor) | set(result.current.by_distributor)),
            key=lambda row: -row[2])[:20]
        context["by_product"] = sorted(
            ((titles.get(pk, pk), result.current.by_product.get(pk, 0), result.draft.by_product.get(pk, 0))
             for pk in set(result.draft.by_product) | set(result.current.by_product)),
            key=lambda row: -row[2])[:20]
        context["current"] = rule_set_current()
    return render(request, "console_frontend/simulator.html", context)

