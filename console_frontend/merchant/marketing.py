"""The merchant's promotions (tenants.marketing): coupons, timed discounts, full reductions and flash sales, each
listed with what it brought, a new one from a form that says what is wrong field by field, and pausing, resuming
or ending one; every campaign kind as Excel."""

from __future__ import annotations

from calendar import Calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from console_frontend.excel import xlsx_response
from console_frontend.forms import form_done, form_message, form_status, form_submit
from control_plane.tenancy.requests import StoreRequest
from core.money import format_fen
from tenants.crm.services import segment_member_ids
from tenants.marketing.campaigns import (
    CAMPAIGN,
    campaign_act,
    campaign_phase,
    campaign_rules,
    flash_sale_create,
    full_reduction_create,
    timed_discount_create,
)
from tenants.marketing.groups import group_buy_create
from tenants.marketing.models import (
    Campaign,
    CampaignPurchase,
    Coupon,
    FlashSale,
    FullReduction,
    GroupBuy,
    TimedDiscount,
)
from tenants.marketing.selectors import (
    CampaignFigures,
    campaign_figures,
    coupon_figures,
    coupons_for_console,
)
from tenants.marketing.services import (
    coupon_act,
    coupon_codes_generate,
    coupon_create,
    coupon_issue,
    coupon_issue_to,
    coupon_summary,
    marketing_settings_get,
    marketing_settings_update,
)
from tenants.marketing.sharing import (
    REFUSALS,
    share_figures,
    share_rewards_latest,
    share_settings_get,
    share_settings_update,
)

from .forms import (
    CampaignActionForm,
    CouponActionForm,
    CouponCodesForm,
    CouponForm,
    CouponIssueForm,
    FlashSaleForm,
    FullReductionForm,
    GroupBuyForm,
    MarketingSettingsForm,
    ShareRewardsForm,
    TimedDiscountForm,
    issue_audiences,
)
from .roles import console_area


@console_area("marketing")
@require_http_methods(["GET", "POST"])
def coupons(request: StoreRequest) -> HttpResponse:
    """Every coupon with its figures; a new one; pausing, resuming or ending one; 发放 to a segment or to phone
    numbers; redemption codes made (and downloaded as Excel)."""
    form, action = CouponForm(), cast(forms.Form | None, None)
    chosen = request.POST.get("action", "")
    if request.method == "POST" and chosen in ("pause", "resume", "end"):
        act = action = CouponActionForm(request.POST)
        if form_done(act, lambda: coupon_act(coupon=act.cleaned_data["coupon"], action=act.cleaned_data["action"])):
            messages.success(request, _("已保存"))
            return redirect(request.get_full_path())
    elif request.method == "POST" and chosen == "issue":
        issue = action = CouponIssueForm(request.POST)
        issued = form_submit(issue, lambda: coupon_issue(
            coupon_id=issue.cleaned_data["coupon"].pk, member_ids=segment_member_ids(segment_id=segment_id))
            if (segment_id := issue.store_segment_id()) is not None else coupon_issue_to(
                coupon_id=issue.cleaned_data["coupon"].pk, segment=issue.cleaned_data["segment"],
                phones=issue.phone_list()))
        if issued is not None:
            messages.success(request, _("已发放 %(n)s 张，%(m)s 人未发（已达限领或已发完）。") % {
                "n": issued.issued, "m": issued.skipped})
            return redirect(request.get_full_path())
    elif request.method == "POST" and chosen == "settings":
        rules = action = MarketingSettingsForm(request.POST)
        if form_done(rules, lambda: marketing_settings_update(
                return_coupons_on_refund=rules.cleaned_data["return_coupons_on_refund"],
                store_coupons_per_order=rules.cleaned_data["store_coupons_per_order"])):
            messages.success(request, _("已保存"))
            return redirect(request.get_full_path())
    elif request.method == "POST" and chosen == "codes":
        codes = action = CouponCodesForm(request.POST)
        if form_done(codes, lambda: coupon_codes_generate(coupon=codes.cleaned_data["coupon"],
                                                          count=codes.cleaned_data["count"])):
            messages.success(request, _("兑换码已生成，可下载 Excel。"))
            return redirect(request.get_full_path())
    elif request.method == "POST":
        form = CouponForm(request.POST)
        if form_done(form, lambda: coupon_create(values=form.values())):
            messages.success(request, _("优惠券已创建"))
            return redirect("console-coupons")
    page = Paginator(coupons_for_console(), 20).get_page(request.GET.get("page"))
    figures, rules_now = coupon_figures(), marketing_settings_get()
    return render(request, "console_frontend/coupons.html", {
        "store": request.tenant, "nav": "marketing", "tab": "coupons", "form": form, "page": page,
        "rows": [(c, coupon_summary(c), figures.get(c.pk, CampaignFigures())) for c in page],
        "segments": issue_audiences()[1:], "problem": form_message(action) if action is not None else "",
        "settings": MarketingSettingsForm(initial={
            "return_coupons_on_refund": rules_now.return_coupons_on_refund,
            "store_coupons_per_order": rules_now.store_coupons_per_order})},
        status=form_status(action) if action is not None else form_status(form if form.is_bound else None))


@console_area("marketing")
@require_GET
def coupon_codes_export(request: StoreRequest, coupon_id: int) -> HttpResponse:
    """A coupon's redemption codes, redeemed or not, as Excel."""
    coupon = Coupon.objects.filter(pk=coupon_id).first()
    if coupon is None:
        raise Http404("No such coupon")
    rows = ([c.code, _("已兑换") if c.redeemed_at else _("未兑换"),
             timezone.localtime(c.redeemed_at).strftime("%Y-%m-%d %H:%M") if c.redeemed_at else ""]
            for c in coupon.codes.order_by("pk"))
    return xlsx_response(name=f"coupon-{coupon.pk}-codes", title=str(_("兑换码")), rows=rows,
                         header=[_("兑换码"), _("状态"), _("兑换时间")])


@dataclass(frozen=True)
class CampaignScreen:
    title: str | Promise
    model: type[TimedDiscount] | type[FullReduction] | type[FlashSale] | type[GroupBuy]
    form: type[TimedDiscountForm] | type[FullReductionForm] | type[FlashSaleForm] | type[GroupBuyForm]
    create: Callable
    purchases: str  # the CampaignPurchase kind its figures come from
    prefetch: tuple[str, ...]


SCREENS = {
    "discounts": CampaignScreen(gettext_lazy("限时折扣"), TimedDiscount, TimedDiscountForm, timed_discount_create,
                                CampaignPurchase.Kind.TIMED_DISCOUNT, ("items",)),
    "reductions": CampaignScreen(gettext_lazy("满减满折"), FullReduction, FullReductionForm, full_reduction_create,
                                 CampaignPurchase.Kind.FULL_REDUCTION, ()),
    "flash": CampaignScreen(gettext_lazy("秒杀"), FlashSale, FlashSaleForm, flash_sale_create,
                            CampaignPurchase.Kind.FLASH, ("items__sku__product",)),
    "groups": CampaignScreen(gettext_lazy("拼团"), GroupBuy, GroupBuyForm, group_buy_create,
                             CampaignPurchase.Kind.GROUP_BUY, ("sku__product", "teams")),
}


def _rows(screen: CampaignScreen, campaigns) -> list[dict]:
    figures = campaign_figures(screen.purchases)
    now = timezone.now()
    return [{"campaign": c, "rules": campaign_rules(c), "phase": campaign_phase(c, now=now),
             "figures": figures.get(c.pk, CampaignFigures()), "actions": sorted(CAMPAIGN.available(c.status))}
            for c in campaigns]


@console_area("marketing")
@require_http_methods(["GET", "POST"])
def campaigns(request: StoreRequest, kind: str) -> HttpResponse:
    """One kind of campaign: every one with what it brought (orders, GMV, discount cost, new buyers), a new one
    from a form that says what is wrong in place, and pausing, resuming or ending one."""
    screen = SCREENS.get(kind)
    if screen is None:
        raise Http404("No such campaign screen")
    form, action = screen.form(), None
    if request.method == "POST" and "action" in request.POST:
        action = CampaignActionForm(request.POST)
        found = screen.model._default_manager.filter(pk=action.cleaned_data["campaign"]).first() \
            if action.is_valid() else None
        if action.is_valid() and found is None:
            action.add_error("campaign", _("没有这个活动。"))
        if form_done(action, lambda: campaign_act(campaign=cast(Campaign, found),  # found: the form is valid
                                                  action=action.cleaned_data["action"])):
            messages.success(request, _("已保存"))
            return redirect(request.get_full_path())
    elif request.method == "POST":
        form = screen.form(request.POST)
        if form_done(form, lambda: screen.create(values=form.values())):
            messages.success(request, _("活动已创建"))
            return redirect("console-campaigns", kind=kind)
    page = Paginator(screen.model._default_manager.prefetch_related(*screen.prefetch).order_by("-starts_at", "-id"),
                     20).get_page(request.GET.get("page"))
    return render(request, "console_frontend/campaigns.html", {
        "store": request.tenant, "nav": "marketing", "tab": kind, "title": screen.title, "form": form, "page": page,
        "rows": _rows(screen, page), "problem": form_message(action) if action is not None else ""},
        status=form_status(action) if action is not None else form_status(form if form.is_bound else None))


@console_area("marketing")
@require_GET
def campaigns_export(request: StoreRequest, kind: str) -> HttpResponse:
    """Every campaign of one kind with its figures, as Excel."""
    screen = SCREENS.get(kind)
    if screen is None:
        raise Http404("No such campaign screen")
    rows = _rows(screen, screen.model._default_manager.prefetch_related(*screen.prefetch).order_by("-starts_at", "-id"))
    def line(row: dict) -> list:
        campaign, figures = row["campaign"], row["figures"]
        return [campaign.name, row["rules"], timezone.localtime(campaign.starts_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(campaign.ends_at).strftime("%Y-%m-%d %H:%M"), str(row["phase"][1]), figures.orders,
                figures.units, format_fen(figures.gmv_fen), format_fen(figures.discount_fen), figures.new_buyers]

    return xlsx_response(name=f"campaigns-{kind}", title=str(screen.title), rows=(line(r) for r in rows), header=[
        _("活动名称"), _("优惠"), _("开始时间"), _("结束时间"), _("状态"), _("订单数"), _("件数"), _("成交额（元）"),
        _("优惠成本（元）"), _("新客数")])


@console_area("marketing")
@require_GET
def calendar(request: StoreRequest) -> HttpResponse:
    """Every campaign (and every coupon with a fixed window) on a month's calendar, ``?month=2026-12``."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    weeks = Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start = timezone.make_aware(datetime.combine(weeks[0][0], time.min))
    end = timezone.make_aware(datetime.combine(weeks[-1][-1] + timedelta(days=1), time.min))
    entries: list[tuple[str, str, Campaign | Coupon]] = [(kind, str(SCREENS[kind].title), c) for kind in SCREENS
               for c in SCREENS[kind].model._default_manager.filter(starts_at__lt=end, ends_at__gt=start)]
    entries += [("coupons", _("优惠券"), c) for c in Coupon.objects.filter(valid_from__lt=end, valid_until__gt=start)]

    def window(entry) -> tuple[date, date]:
        _kind, _label, c = entry
        begins, ends = (c.valid_from, c.valid_until) if isinstance(c, Coupon) else (c.starts_at, c.ends_at)
        assert begins is not None and ends is not None  # coupons without a fixed window are not on the calendar
        return timezone.localtime(begins).date(), timezone.localtime(ends - timedelta(microseconds=1)).date()

    spans = [(entry, *window(entry)) for entry in entries]
    days = [[{"day": day, "in_month": day.month == first.month, "today": day == today,
              "entries": [{"kind": kind, "label": label, "name": c.name, "status": c.status}
                          for (kind, label, c), begins, ends in spans if begins <= day <= ends]}
             for day in week] for week in weeks]
    previous, following = (first - timedelta(days=1)).replace(day=1), (first + timedelta(days=32)).replace(day=1)
    return render(request, "console_frontend/campaign_calendar.html", {
        "store": request.tenant, "nav": "marketing", "tab": "calendar", "month": first, "weeks": days,
        "previous": f"{previous:%Y-%m}", "following": f"{following:%Y-%m}", "count": len(entries),
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")]})


@console_area("marketing")
@require_http_methods(["GET", "POST"])
def share_rewards(request: StoreRequest) -> HttpResponse:
    """分享奖励: the rules, what invitations brought (new members, first orders, points given and taken back), and
    the latest rewards with why any was not given."""
    rules = share_settings_get()
    form = ShareRewardsForm(request.POST or None,
                            initial={name: getattr(rules, name) for name in ShareRewardsForm.base_fields})
    if form_done(form, lambda: share_settings_update(**form.cleaned_data)):
        messages.success(request, _("已保存"))
        return redirect("console-share-rewards")
    return render(request, "console_frontend/share_rewards.html", {
        "store": request.tenant, "nav": "marketing", "tab": "share", "form": form, "figures": share_figures(),
        "rewards": share_rewards_latest(), "refusals": REFUSALS}, status=form_status(form))
