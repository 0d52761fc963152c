"""Merchant console: distributor applications and distributors, distribution settings; withdrawals (finance)."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from console_frontend.excel import xlsx_response
from console_frontend.forms import form_add_domain_error, form_done, form_message, form_page, form_status, posted_action
from control_plane.tenancy.requests import StoreRequest
from core.errors import ValidationFailed
from core.money import format_fen
from core.text import id_or_none
from tenants.catalog.models import Product
from tenants.distribution.bonuses import bonus_explain
from tenants.distribution.calculations import explain
from tenants.distribution.configuration import (
    DistributionRules,
    distribution_rules_problems,
    distribution_settings_update,
)
from tenants.distribution.grades import distributor_set_grade, grade_delete, grade_problems, grade_save
from tenants.distribution.models import (
    Application,
    Commission,
    DistributionSettings,
    Distributor,
    Grade,
    SettlementRun,
    Withdrawal,
)
from tenants.distribution.network import application_approve, application_reject, distributor_set_frozen
from tenants.distribution.selectors import (
    distribution_settings_get,
    distributor_balances,
    earnings_by_day,
    team_members,
)
from tenants.distribution.transitions import WITHDRAWAL
from tenants.distribution.withdrawals import (
    withdrawal_approve,
    withdrawal_confirm_paid,
    withdrawal_reject,
    withdrawals_bank_export,
)
from tenants.ledger.selectors import account_balances_by_owner

from .forms import (
    ApplicationActionForm,
    DistributionSettingsForm,
    FreezeForm,
    GradeChangeForm,
    GradeDeleteForm,
    GradeForm,
    WithdrawalActionForm,
)
from .roles import console_area


@console_area("distribution")
@require_http_methods(["GET", "POST"])
def distribution_home(request: StoreRequest) -> HttpResponse:
    actor = request.user.get_username()
    action = posted_action(request)
    form: forms.Form | None = None
    if action in {"approve", "reject"}:
        review = form = ApplicationActionForm(request.POST)
        done = form_done(review, lambda: application_approve(
            application=review.cleaned_data["application_id"], actor=actor) if action == "approve"
            else application_reject(application=review.cleaned_data["application_id"],
                                    reason=review.cleaned_data["reason"], actor=actor))
    elif action in {"freeze", "unfreeze"}:
        freeze = form = FreezeForm(request.POST)
        done = form_done(freeze, lambda: distributor_set_frozen(
            distributor=freeze.cleaned_data["distributor_id"], frozen=action == "freeze",
            reason=freeze.cleaned_data["reason"]))
    if form is not None and done:
        return redirect(reverse("console-distribution"))
    message = form_message(form) if form is not None else ""
    distributors = Paginator(Distributor.objects.select_related("member", "grade").order_by("-created_at"), 20)
    return render(request, "console_frontend/distribution.html", {
        "store": request.tenant, "nav": "distribution", "message": message, "errors": {},
        "settings": distribution_settings_get(),
        "applications": Application.objects.filter(status=Application.Status.PENDING).select_related("member"),
        "page": distributors.get_page(request.GET.get("page")),
    }, status=form_status(form) if form is not None else 200)


@console_area("finance")
@require_http_methods(["GET", "POST"])
def withdrawals(request: StoreRequest) -> HttpResponse:
    actor = request.user.get_username()
    form = WithdrawalActionForm(request.POST or None)
    services = {"approve": lambda w, reason: withdrawal_approve(withdrawal=w, actor=actor),
                "reject": lambda w, reason: withdrawal_reject(withdrawal=w, reason=reason, actor=actor),
                "paid": lambda w, reason: withdrawal_confirm_paid(withdrawal=w, actor=actor)}
    if form_done(form, lambda: services[form.cleaned_data["action"]](
            form.cleaned_data["withdrawal_id"], form.cleaned_data["reason"])):
        return redirect(reverse("console-withdrawals"))
    message = form_message(form)
    status = request.GET.get("status", "")
    rows = Withdrawal.objects.select_related("distributor").order_by("-created_at")
    if status in Withdrawal.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    # Each withdrawal with the actions it offers: what its transitions table allows now.
    offered = [(withdrawal, WITHDRAWAL.available(withdrawal.status)) for withdrawal in page]
    return render(request, "console_frontend/withdrawals.html", {
        "store": request.tenant, "nav": "finance", "message": message, "status": status,
        "statuses": Withdrawal.Status.choices, "page": page, "offered": offered,
    }, status=form_status(form))


@console_area("finance")
@require_GET
def withdrawals_export(request: StoreRequest) -> HttpResponse:
    """Approved bank withdrawals as an Excel sheet for the bank transfer."""
    rows = list(Withdrawal.objects.filter(method=Withdrawal.Method.BANK, status=Withdrawal.Status.APPROVED)
                .select_related("distributor"))
    response = HttpResponse(withdrawals_bank_export(withdrawals=rows),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="withdrawals-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@console_area("distribution")
@require_http_methods(["GET", "POST"])
def distribution_settings(request: StoreRequest) -> HttpResponse:
    """Recruitment, binding, levels, freezing and settlement, withdrawals, bonuses and anti-abuse."""
    current = DistributionRules.of(distribution_settings_get())
    initial = DistributionSettingsForm.initial_from(current)
    form = DistributionSettingsForm(request.POST or None, initial=initial)
    if form.is_bound and not form.is_valid():  # also say at once what the business rules refuse among the rest
        problems = {name: messages for name, messages in
                    distribution_rules_problems(form.rules(otherwise=current)).items()
                    if form.domain_fields.get(name, name) not in form.errors}
        if problems:
            form_add_domain_error(form, ValidationFailed("", fields=problems))
    elif form_done(form, lambda: distribution_settings_update(rules=form.rules())):
        return redirect(reverse("console-distribution-settings") + "?saved=1")
    products = Product.objects.filter(status=Product.Status.ON_SALE).order_by("-pk").values("pk", "title")[:200]
    return render(request, "console_frontend/distribution_settings.html", {
        "store": request.tenant, "nav": "distribution", "saved": request.GET.get("saved") == "1",
        "products": products, **form_page(form, initial),
        "choices": {"recruitment": DistributionSettings.Recruitment.choices,
                    "binding_mode": DistributionSettings.BindingMode.choices,
                    "settlement": DistributionSettings.Settlement.choices}},
        status=form_status(form))


@console_area("distribution")
@require_http_methods(["GET", "POST"])
def distributor_detail(request: StoreRequest, code: str) -> HttpResponse:
    """One distributor: balances, 30-day earnings chart, team (two levels, with sales), commissions with
    their explanation, bonuses, grade history (with a manual change, the only way down) and fraud flags."""
    distributor = get_object_or_404(Distributor.objects.select_related("member", "grade", "parent"), code=code)
    change = GradeChangeForm(request.POST if request.method == "POST" else None)
    if form_done(change, lambda: distributor_set_grade(
            distributor=distributor, grade=change.cleaned_data["grade_id"], actor=request.user.get_username(),
            reason=change.cleaned_data["reason"])):
        return redirect(f"{reverse('console-distributor', kwargs={'code': code})}#grade-history")
    commissions = Paginator(Commission.objects.filter(distributor=distributor), 20).get_page(request.GET.get("page"))
    explained = [(c, explain(order_number=c.order_number, position=c.line_position, level=c.level,
                             rate_bp=c.rate_bp, fixed_fen=c.fixed_fen, base_fen=c.base_fen, amount_fen=c.amount_fen,
                             rate_source=c.rate_source, is_first_order=c.is_first_order)) for c in commissions]
    bonuses = [bonus_explain(bonus) for bonus in distributor.bonuses.all()[:24]]
    return render(request, "console_frontend/distributor_detail.html", {
        "store": request.tenant, "nav": "distribution", "distributor": distributor,
        "balances": distributor_balances(distributor=distributor),
        "earnings": earnings_by_day(distributor=distributor, days=30),
        "team": {1: list(team_members(distributor=distributor, level=1)[:50]),
                 2: list(team_members(distributor=distributor, level=2)[:50])},
        "commissions": commissions, "explained": explained, "bonuses": bonuses,
        "grade_changes": distributor.grade_changes.select_related("from_grade", "to_grade")[:20],
        "grades": Grade.objects.order_by("rank"), "message": form_message(change),
        "fraud_flags": distributor.fraud_flags.order_by("-created_at")[:20]}, status=form_status(change))


@console_area("finance")
@require_GET
def settlement_runs(request: StoreRequest) -> HttpResponse:
    """Settlement runs of the store: when, how many commissions and how much was released."""
    runs = Paginator(SettlementRun.objects.all(), 30).get_page(request.GET.get("page"))
    return render(request, "console_frontend/settlement_runs.html", {
        "store": request.tenant, "nav": "finance", "page": runs,
        "settings": distribution_settings_get()})


@console_area("distribution")
@require_http_methods(["GET", "POST"])
def grades(request: StoreRequest) -> HttpResponse:
    """Distributor grades and their automatic promotion rules (checked by the daily job)."""
    editing = Grade.objects.filter(pk=pk).first() if (pk := id_or_none(request.GET.get("grade"))) else None
    initial = GradeForm.initial_from(editing)
    deleting = posted_action(request) == "delete"
    form = GradeForm(request.POST if request.method == "POST" and not deleting else None, initial=initial)
    delete = GradeDeleteForm(request.POST if deleting else None)
    if deleting:
        if form_done(delete, lambda: grade_delete(grade=delete.cleaned_data["grade_id"])):
            return redirect(reverse("console-grades") + "?saved=1")
    elif form.is_bound and form.is_valid():
        if form_done(form, lambda: grade_save(grade=editing, name=form.cleaned_data["name"],
                                                rank=form.cleaned_data["rank"], promotion=form.promotion())):
            return redirect(reverse("console-grades") + "?saved=1")
    elif form.is_bound:  # also say at once whether the name and rank are taken
        problems = grade_problems(grade=editing, name=form.cleaned_data.get("name"),
                                  rank=form.cleaned_data.get("rank"))
        if problems:
            form_add_domain_error(form, ValidationFailed("", fields=problems))
    rows = Grade.objects.annotate(holders=Count("distributors")).order_by("rank")
    page = form_page(form, initial)
    return render(request, "console_frontend/grades.html", {
        "store": request.tenant, "nav": "distribution", "grades": rows, "editing": editing,
        "saved": request.GET.get("saved") == "1", **page, "message": form_message(delete) or page["message"]},
        status=max(form_status(form), form_status(delete)))


@console_area("distribution")
@require_GET
def distributors_export(request: StoreRequest) -> HttpResponse:
    """Every distributor with grade, upline, balances and the sales they brought, as Excel."""
    distributors = Distributor.objects.select_related("member", "grade", "parent").annotate(
        sales_fen=Coalesce(Sum("commissions__base_fen", filter=Q(commissions__level=1)), 0)).order_by("pk")
    balances = account_balances_by_owner()

    def rows():
        for d in distributors.iterator(chunk_size=2000):
            owned = balances.get(d.pk, {})
            yield [d.code, d.member.nickname, d.grade.name if d.grade else "", d.get_status_display(),
                   d.parent.code if d.parent else "", timezone.localtime(d.created_at).strftime("%Y-%m-%d"),
                   format_fen(d.sales_fen), format_fen(owned.get("distributor_frozen", 0)),
                   format_fen(owned.get("distributor_available", 0)),
                   format_fen(owned.get("distributor_withdrawing", 0))]

    return xlsx_response(name="distributors", title="分销员", rows=rows(), header=[
        "编号", "昵称", "等级", "状态", "上级编号", "加入时间", "带来销售额（元）", "冻结中（元）", "可提现（元）",
        "提现中（元）"])


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@console_area("distribution")
@require_GET
def applications_export(request: StoreRequest) -> HttpResponse:
    """Every application, reviewed or not, with its answers."""
    rows = ([a.member.nickname, "；".join(f"{k}: {v}" for k, v in a.answers.items()), a.inviter_code,
             a.get_status_display(), a.reject_reason, a.reviewed_by, _local(a.created_at), _local(a.reviewed_at)]
            for a in Application.objects.select_related("member").order_by("-created_at"))
    return xlsx_response(name="applications", title="分销员申请", rows=rows, header=[
        "申请人", "资料", "邀请人编号", "状态", "拒绝原因", "审核人", "申请时间", "审核时间"])


@console_area("finance")
@require_GET
def withdrawals_list_export(request: StoreRequest) -> HttpResponse:
    """The withdrawal list as filtered, every method and status."""
    withdrawals = Withdrawal.objects.select_related("distributor").order_by("-created_at")
    status = request.GET.get("status", "")
    if status in Withdrawal.Status.values:
        withdrawals = withdrawals.filter(status=status)
    rows = ([w.number, w.distributor.code, format_fen(w.amount_fen), format_fen(w.fee_fen), format_fen(w.net_fen),
             w.get_method_display(), w.get_status_display(), w.reject_reason or w.failure_reason,
             _local(w.created_at), _local(w.paid_at)] for w in withdrawals)
    return xlsx_response(name="withdrawals", title="提现", rows=rows, header=[
        "单号", "分销员编号", "金额（元）", "手续费（元）", "实付（元）", "方式", "状态", "原因", "申请时间",
        "到账时间"])


@console_area("finance")
@require_GET
def settlement_runs_export(request: StoreRequest) -> HttpResponse:
    rows = ([_local(r.started_at), _local(r.finished_at), r.released_count, format_fen(r.released_fen),
             r.get_status_display()] for r in SettlementRun.objects.all())
    return xlsx_response(name="settlement-runs", title="结算记录", rows=rows,
                         header=["开始", "结束", "解冻笔数", "解冻金额（元）", "状态"])


@console_area("distribution")
@require_GET
def commissions_export(request: StoreRequest) -> HttpResponse:
    """Every commission of the store (or of one distributor, ``?distributor=CODE``) with its explanation."""
    commissions = Commission.objects.select_related("distributor").order_by("-created_at", "-id")
    code = request.GET.get("distributor", "").strip()
    if code:
        commissions = commissions.filter(distributor__code=code)

    def rows():
        for c in commissions.iterator(chunk_size=2000):
            yield [_local(c.created_at), c.distributor.code, c.order_number, c.line_position, c.level,
                   format_fen(c.base_fen), format_fen(c.amount_fen), format_fen(c.clawed_back_fen),
                   c.get_status_display(), explain(
                       order_number=c.order_number, position=c.line_position, level=c.level, rate_bp=c.rate_bp,
                       fixed_fen=c.fixed_fen, base_fen=c.base_fen, amount_fen=c.amount_fen,
                       rate_source=c.rate_source, is_first_order=c.is_first_order)]

    return xlsx_response(name="commissions", title="佣金", rows=rows(), header=[
        "时间", "分销员编号", "订单号", "行", "层级", "计佣金额（元）", "佣金（元）", "已追回（元）", "状态", "说明"])
