"""The console's members (会员): the member list with filters and its Excel export, one member's record (level,
orders, points, coupons, distribution) with a points adjustment and a level change, the store's member levels and
its points rules."""

from __future__ import annotations

import json
import secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from control_plane.tenancy.requests import StoreRequest
from core.errors import DomainError
from core.money import format_fen
from tenants.analytics.members import member_record, members_for_console
from tenants.crm.models import Tag
from tenants.crm.services import (
    audiences_counted,
    member_tag_set,
    member_tags,
    segment_delete,
    segment_save,
    tag_delete,
    tag_save,
    tags_counted,
)
from tenants.loyalty.levels import level_delete, level_save, member_level, member_level_set, member_levels
from tenants.loyalty.models import LevelChange
from tenants.loyalty.points import POINTS_RULE_FIELDS, loyalty_settings_get, loyalty_settings_update, points_adjust
from tenants.privacy.models import PrivacyRequest
from tenants.privacy.services import member_data_export, member_erase, privacy_requests

from ..excel import xlsx_response
from ..forms import form_done, form_status, posted_action
from .member_forms import (
    AudienceForm,
    LevelForm,
    LevelSetForm,
    MemberFilterForm,
    PointsAdjustForm,
    PointsRulesForm,
)
from .roles import console_area

PAGE_SIZE = 30


def _members(request: StoreRequest):
    form = MemberFilterForm(request.GET or None)
    return form, members_for_console(filters=form.filters())


@console_area("members")
@require_GET
def member_list(request: StoreRequest) -> HttpResponse:
    form, members = _members(request)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console_frontend/members.html", {
        "store": request.tenant, "nav": "members", "tab": "list", "form": form, "page": page,
        "query": query.urlencode()}, status=400 if form.is_bound and form.errors else 200)


@console_area("members")
@require_GET
def members_export(request: StoreRequest) -> HttpResponse:
    """The filtered member list as Excel (phone numbers masked like on the screen)."""
    _form, members = _members(request)
    rows = ([m.pk, m.nickname, f"{m.phone[:3]}****{m.phone[7:]}" if m.phone else "", m.created_at.strftime("%Y-%m-%d"),
             m.order_count, format_fen(m.spend_fen), m.points, m.distributor_code or "",
             m.last_paid_at.strftime("%Y-%m-%d") if m.last_paid_at else ""] for m in members.iterator(chunk_size=2000))
    return xlsx_response(name="members", title="会员", rows=rows, header=[
        "会员ID", "昵称", "手机号", "注册日期", "订单数", "累计消费（元）", "积分", "分销员编号", "最近下单"])


@console_area("members")
@require_http_methods(["GET", "POST"])
def member_detail(request: StoreRequest, member_id: int) -> HttpResponse:
    record = member_record(member_id=member_id)
    if record is None:
        raise Http404("No such member")
    levels = member_levels()
    posted = posted_action(request)
    adjust = PointsAdjustForm(request.POST if posted == "points" else None, initial={"key": secrets.token_urlsafe(18)})
    moved = LevelSetForm(request.POST if posted == "level" else None, levels=levels)
    actor = request.user.get_username()
    if posted == "points" and form_done(adjust, lambda: points_adjust(
            member_id=member_id, points=adjust.signed_points(), reason=adjust.cleaned_data["reason"], actor=actor,
            key=f"points:adjust:{adjust.cleaned_data['key']}")):
        messages.success(request, _("积分已调整"))
        return redirect("console-member", member_id=member_id)
    if posted == "level" and form_done(moved, lambda: member_level_set(
            member_id=member_id, rank=moved.cleaned_data["rank"], actor=actor, reason=moved.cleaned_data["reason"])):
        messages.success(request, _("会员等级已调整"))
        return redirect("console-member", member_id=member_id)
    if posted in ("tag_on", "tag_off") and (tag_id := request.POST.get("tag", "")).isdigit():
        try:
            member_tag_set(member_id=member_id, tag_id=int(tag_id), on=posted == "tag_on")
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("console-member", member_id=member_id)
    if posted == "export":
        return _data_file(member_id, actor)
    if posted == "erase":
        done = member_erase(member_id=member_id, actor=actor)
        if done.status == PrivacyRequest.Status.PENDING:
            messages.error(request, _("暂时无法注销：%(why)s。") % {"why": done.blocked_reason})
        else:
            messages.success(request, _("会员已注销，个人信息已删除。"))
        return redirect("console-member", member_id=member_id)
    bound = adjust if adjust.is_bound else moved if moved.is_bound else None
    return render(request, "console_frontend/member_detail.html", {
        "store": request.tenant, "nav": "members", "tab": "list", "r": record, "adjust": adjust, "moved": moved,
        "level": member_level(member_id=member_id), "levels": {lv.rank: lv.name for lv in levels},
        "level_changes": LevelChange.objects.filter(member_id=member_id)[:20],
        "privacy": privacy_requests(member_id=member_id), "tags": member_tags(member_id=member_id),
        "manual_tags": Tag.objects.filter(rules={})}, status=form_status(bound))


def _data_file(member_id: int, actor: str) -> HttpResponse:
    data = member_data_export(member_id=member_id, actor=actor)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="member-{member_id}.json"'
    return response


@console_area("members")
@require_http_methods(["GET", "POST"])
def privacy(request: StoreRequest) -> HttpResponse:
    """Members' data requests (PIPL): every download and deletion asked, and the deletions still waiting for
    business to finish, to carry out again."""
    if posted_action(request) == "erase" and (chosen := request.POST.get("member", "")).isdigit():
        done = member_erase(member_id=int(chosen), actor=request.user.get_username())
        if done.status == PrivacyRequest.Status.PENDING:
            messages.error(request, _("暂时无法注销：%(why)s。") % {"why": done.blocked_reason})
        else:
            messages.success(request, _("会员已注销，个人信息已删除。"))
        return redirect("console-privacy")
    page = Paginator(privacy_requests(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console_frontend/privacy_requests.html", {
        "store": request.tenant, "nav": "members", "tab": "privacy", "page": page})


@console_area("members")
@require_http_methods(["GET", "POST"])
def levels(request: StoreRequest) -> HttpResponse:
    """The store's member levels: each with its thresholds and benefits, edited in place; a new one; removing one
    above the first."""
    rows = member_levels()
    chosen = request.POST.get("level") or request.GET.get("edit") or ""
    level = next((lv for lv in rows if str(lv.pk) == chosen), None)
    if posted_action(request) == "delete" and level is not None:
        try:
            level_delete(level=level)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("等级已删除"))
        return redirect("console-levels")
    form = LevelForm(request.POST or None, initial=LevelForm.initial_from(level))
    if form_done(form, lambda: level_save(level=level, values=form.values(level))):
        messages.success(request, _("等级已保存"))
        return redirect("console-levels")
    return render(request, "console_frontend/member_levels.html", {
        "store": request.tenant, "nav": "members", "tab": "levels", "rows": rows, "form": form, "editing": level,
        "period_days": loyalty_settings_get().level_period_days}, status=form_status(form))


@console_area("members")
@require_http_methods(["GET", "POST"])
def points_rules(request: StoreRequest) -> HttpResponse:
    rules = loyalty_settings_get()
    initial = {name: getattr(rules, name) for name in POINTS_RULE_FIELDS if name != "redeem_max_share_bp"}
    form = PointsRulesForm(request.POST or None, initial={**initial,
                                                          "redeem_max_share": format_fen(rules.redeem_max_share_bp)})
    if form_done(form, lambda: loyalty_settings_update(**form.values())):
        messages.success(request, _("积分规则已保存"))
        return redirect("console-points-rules")
    return render(request, "console_frontend/points_rules.html", {
        "store": request.tenant, "nav": "members", "tab": "points", "form": form}, status=form_status(form))


@console_area("members")
@require_http_methods(["GET", "POST"])
def audiences(request: StoreRequest) -> HttpResponse:
    """标签与分群: tags (by hand, or by rules applied every night) and segments from RFM-style rules, each with how
    many members it holds now; a segment is offered as the audience of a coupon's 发放."""
    levels, tags = member_levels(), list(Tag.objects.all())
    posted = posted_action(request)
    if posted in ("segment_delete", "tag_delete") and (chosen := request.POST.get("id", "")).isdigit():
        try:
            if posted == "segment_delete":
                segment_delete(segment_id=int(chosen))
            else:
                tag_delete(tag_id=int(chosen))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已删除"))
        return redirect("console-audiences")
    segment_form = AudienceForm(request.POST if posted == "segment" else None, levels=levels, tags=tags,
                                prefix="segment")
    tag_form = AudienceForm(request.POST if posted == "tag" else None, levels=levels, tags=tags, prefix="tag")
    if posted == "segment" and form_done(segment_form, lambda: segment_save(
            segment=None, name=segment_form.cleaned_data["name"], rules=segment_form.rules())):
        messages.success(request, _("分群已保存"))
        return redirect("console-audiences")
    if posted == "tag" and form_done(tag_form, lambda: tag_save(
            tag=None, name=tag_form.cleaned_data["name"],
            rules=tag_form.rules() if tag_form.cleaned_data["by_rule"] else None)):
        messages.success(request, _("标签已保存"))
        return redirect("console-audiences")
    bound = segment_form if segment_form.is_bound else tag_form if tag_form.is_bound else None
    return render(request, "console_frontend/audiences.html", {
        "store": request.tenant, "nav": "members", "tab": "audiences", "segment_form": segment_form,
        "tag_form": tag_form, "segments": audiences_counted(), "tags": tags_counted()},
        status=form_status(bound))
