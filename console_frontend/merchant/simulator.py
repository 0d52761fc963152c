"""Merchant console: the commission simulator — try new level rates on the last N days of real orders."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from console_frontend.forms import form_status, form_submit, posted_action
from control_plane.tenancy.requests import StoreRequest
from tenants.catalog.models import Product
from tenants.distribution.models import Distributor
from tenants.distribution.rules import rule_set_draft_create, rule_set_publish, rule_set_set_level_rate
from tenants.distribution.selectors import rule_set_current
from tenants.distribution.simulator import simulate

from .forms import DEFAULT_DAYS, LEVELS, SimulatorForm
from .roles import console_area


def _rate_rows(form: SimulatorForm, current) -> list:
    """Per level: the two rate inputs and the rates in force."""
    by_level = {r.level: r for r in current.level_rates.filter(grade__isnull=True)} if current else {}
    return [(level, (form[f"first_{level}"], form[f"repeat_{level}"]), by_level.get(level)) for level in LEVELS]


@transaction.atomic
def _try_rates(form: SimulatorForm, current, *, publish: bool):
    """The simulation of the form's rates against the rules in force, through a draft rule set that is
    published, or rolled back so a simulation leaves nothing behind."""
    draft = rule_set_draft_create(based_on=current, note="模拟")
    for level, (first_bp, repeat_bp) in form.level_rates().items():
        rule_set_set_level_rate(rule_set=draft, level=level, first_order_bp=first_bp, repeat_order_bp=repeat_bp)
    result = simulate(draft=draft, days=form.cleaned_data["days"], now=timezone.now())
    if publish:
        rule_set_publish(rule_set=draft)
    else:
        transaction.set_rollback(True)
    return draft, result


@console_area("distribution")
@require_http_methods(["GET", "POST"])
def simulator(request: StoreRequest) -> HttpResponse:
    current = rule_set_current()
    form = SimulatorForm(request.POST or None, initial={"days": DEFAULT_DAYS})
    context = {"store": request.tenant, "nav": "distribution", "current": current, "form": form,
               "rates": _rate_rows(form, current), "result": None, "message": ""}
    publish = posted_action(request) == "publish"
    tried = form_submit(form, lambda: _try_rates(form, current, publish=publish))
    if tried is None:
        return render(request, "console_frontend/simulator.html", context, status=form_status(form))
    draft, result = tried
    if publish:
        context["message"] = _("已发布第 %(version)s 版佣金规则") % {"version": draft.version}
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
    context["current"] = rule_set_current()  # after a publish: what is live now
    context["rates"] = _rate_rows(form, context["current"])
    return render(request, "console_frontend/simulator.html", context)
