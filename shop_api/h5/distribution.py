"""The distributor centre on the H5 pages: apply under the store's recruitment rule (with its own questions) and
follow the application; then the centre itself — balances, the earnings of the last 30 days as a chart, the
store's rates for the distributor's grade, customers bound, commissions each with its explanation, bonuses, the
team on two levels with their sales, share links with their QR codes and posters, and withdrawals under the
store's rules with their history."""

from __future__ import annotations

import functools
import secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from control_plane.tenancy.requests import StoreRequest
from core.errors import DomainError
from tenants.catalog.selectors import product_page_shown
from tenants.distribution.bonuses import bonus_explain
from tenants.distribution.calculations import explain
from tenants.distribution.models import Application, Commission, DistributionSettings, Distributor, Withdrawal
from tenants.distribution.network import distributor_apply, distributor_share_token, member_spent_fen
from tenants.distribution.posters import product_poster_png, qr_png_for_url
from tenants.distribution.selectors import (
    application_latest,
    customers_bound,
    distribution_settings_get,
    distributor_balances,
    distributor_of,
    distributor_summary,
    earnings_by_day,
    team_members,
)
from tenants.distribution.withdrawals import withdrawal_request
from tenants.members.models import Member

from .forms import ApplyForm, WithdrawForm, form_refusal
from .pages import store_context
from .session import h5_login_required

PAGE_SIZE = 20
CHART_DAYS = 30
COMMISSION_TABS = {
    "all": (gettext_lazy("全部"), None),
    "frozen": (gettext_lazy("冻结中"), Commission.Status.FROZEN),
    "available": (gettext_lazy("已解冻"), Commission.Status.AVAILABLE),
    "reversed": (gettext_lazy("已追回"), Commission.Status.REVERSED),
}


def _context(request: StoreRequest, **values) -> dict:
    return store_context(request, tab="me", **values)


def distributor_required(view):
    """A page of the centre: a shopper who is not (yet) a distributor is sent to the application page."""

    @functools.wraps(view)
    def wrapper(request: StoreRequest, member: Member, *args, **kwargs) -> HttpResponse:
        distributor = distributor_of(member_id=member.pk)
        if distributor is None:
            return HttpResponseRedirect(reverse("h5-distribution"))
        return view(request, member, distributor, *args, **kwargs)

    return h5_login_required(wrapper)


def _share_link(request: StoreRequest, distributor: Distributor, *, source: str, product_id: int | None) -> str:
    """The distributor's link to the store, or to one product (``/?…&product=`` goes on to it, keeping the token)."""
    token = distributor_share_token(distributor=distributor)
    query = f"dc={token}" + (f"&src={source}" if source != "link" else "")
    query += f"&product={product_id}" if product_id else ""
    return request.build_absolute_uri(f"{reverse('h5-home')}?{query}")


def _chart(points: list[dict]) -> dict:
    """The earnings of each day as the bars of an inline SVG (no script, no library: a phone draws it at once);
    heights in the viewBox's units, 100 for the best day."""
    top = max((point["amount_fen"] for point in points), default=0)
    width = 100 / max(len(points), 1)
    bars = [{"x": round(i * width, 3), "width": round(width * 0.7, 3), "date": point["date"],
             "amount_fen": point["amount_fen"],
             "height": round(100 * point["amount_fen"] / top, 2) if top else 0} for i, point in enumerate(points)]
    for bar in bars:
        bar["y"] = round(100 - bar["height"], 2)
    return {"bars": bars, "top_fen": top, "total_fen": sum(point["amount_fen"] for point in points),
            "first": points[0]["date"] if points else "", "last": points[-1]["date"] if points else ""}


def _recruitment(rules: DistributionSettings, member: Member) -> dict:
    """How this store recruits, said to the shopper, with their progress where there is a threshold."""
    R = DistributionSettings.Recruitment
    shown: dict = {"mode": rules.recruitment}
    if rules.recruitment == R.PURCHASE_PRODUCT and rules.recruitment_product_id:
        shown["product"] = product_page_shown(product_id=rules.recruitment_product_id)
    if rules.recruitment == R.SPEND_THRESHOLD:
        spent = member_spent_fen(member)
        shown.update(spent_fen=spent, threshold_fen=rules.recruitment_spend_fen,
                     left_fen=max(rules.recruitment_spend_fen - spent, 0),
                     progress=min(100, 100 * spent // rules.recruitment_spend_fen) if rules.recruitment_spend_fen
                     else 100)
    return shown


@require_http_methods(["GET", "POST"])
@h5_login_required
def centre(request: StoreRequest, member: Member) -> HttpResponse:
    """The centre's first screen for a distributor; for anyone else, how to become one and the application."""
    distributor = distributor_of(member_id=member.pk)
    if distributor is not None:
        return _centre_home(request, member, distributor)
    rules = distribution_settings_get()
    application = application_latest(member_id=member.pk)
    pending = application is not None and application.status == Application.Status.PENDING
    form = ApplyForm(request.POST if request.method == "POST" else None, questions=rules.application_fields)
    if request.method == "POST" and not pending and form.is_valid():
        try:
            applied = distributor_apply(member=member, answers=form.answers())
        except DomainError as error:
            form_refusal(form, error)
        else:
            if applied.status == Application.Status.APPROVED:
                messages.success(request, _("你已成为分销员，快去分享吧。"))
            else:
                messages.success(request, _("申请已提交，请等待店铺审核。"))
            return HttpResponseRedirect(reverse("h5-distribution"))
    return render(request, "h5/distribution_apply.html", _context(
        request, rules=rules, recruitment=_recruitment(rules, member), application=application, pending=pending,
        form=form), status=400 if form.is_bound and form.errors else 200)


def _centre_home(request: StoreRequest, member: Member, distributor: Distributor) -> HttpResponse:
    return render(request, "h5/distribution.html", _context(
        request, member=member, distributor=distributor, balances=distributor_balances(distributor=distributor),
        summary=distributor_summary(distributor=distributor),
        chart=_chart(earnings_by_day(distributor=distributor, days=CHART_DAYS)),
        share_link=_share_link(request, distributor, source="link", product_id=None),
        customers=list(customers_bound(distributor=distributor)[:5])))


@require_GET
@distributor_required
def commissions(request: StoreRequest, member: Member, distributor: Distributor) -> HttpResponse:
    """Commissions, newest first, each with the sentence that explains it; bonuses below."""
    current = request.GET.get("status", "all") if request.GET.get("status") in COMMISSION_TABS else "all"
    found = Commission.objects.filter(distributor=distributor)
    if COMMISSION_TABS[current][1]:
        found = found.filter(status=COMMISSION_TABS[current][1])
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(c, explain(order_number=c.order_number, position=c.line_position, level=c.level, rate_bp=c.rate_bp,
                        fixed_fen=c.fixed_fen, base_fen=c.base_fen, amount_fen=c.amount_fen,
                        rate_source=c.rate_source, is_first_order=c.is_first_order)) for c in page]
    bonuses = [(bonus, bonus_explain(bonus)) for bonus in distributor.bonuses.all()[:12]] if current == "all" else []
    return render(request, "h5/distribution_commissions.html", _context(
        request, distributor=distributor, page=page, rows=rows, bonuses=bonuses, current=current,
        tabs=[(key, label) for key, (label, _s) in COMMISSION_TABS.items()]))


@require_GET
@distributor_required
def team(request: StoreRequest, member: Member, distributor: Distributor) -> HttpResponse:
    """The team: direct recruits, or theirs, with the sales each brought; and the customers bound now."""
    level = 2 if request.GET.get("level") == "2" else 1
    page = Paginator(team_members(distributor=distributor, level=level), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "h5/distribution_team.html", _context(
        request, distributor=distributor, page=page, level=level, summary=distributor_summary(distributor=distributor),
        customers=list(customers_bound(distributor=distributor)[:50]) if level == 1 else []))


@require_http_methods(["GET", "POST"])
@distributor_required
def withdraw(request: StoreRequest, member: Member, distributor: Distributor) -> HttpResponse:
    """Withdraw available commission, with the store's rules shown; the history below."""
    form = WithdrawForm(request.POST) if request.method == "POST" else \
        WithdrawForm(initial={"key": secrets.token_urlsafe(24)})
    if form.is_bound and form.is_valid():
        try:
            made, _created = withdrawal_request(
                distributor=distributor, idempotency_key=form.cleaned_data["key"],
                amount_fen=form.cleaned_data["amount_fen"], method=form.cleaned_data["method"],
                bank_account=form.cleaned_data["bank_account"])
        except DomainError as error:
            form_refusal(form, error)
        else:
            messages.success(request, _("提现申请已提交：%(number)s。") % {"number": made.number})
            return HttpResponseRedirect(reverse("h5-distribution-withdraw"))
    history = Paginator(Withdrawal.objects.filter(distributor=distributor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "h5/distribution_withdraw.html", _context(
        request, distributor=distributor, form=form, rules=distribution_settings_get(), history=history,
        balances=distributor_balances(distributor=distributor)), status=400 if form.is_bound and form.errors else 200)


def _product_id(request: StoreRequest) -> int | None:
    raw = request.GET.get("product", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


@require_GET
@distributor_required
def share(request: StoreRequest, member: Member, distributor: Distributor) -> HttpResponse:
    """What to share: the link to the store or to one product, its QR code, and the product's poster."""
    product_id = _product_id(request)
    product = product_page_shown(product_id=product_id) if product_id else None
    return render(request, "h5/distribution_share.html", _context(
        request, distributor=distributor, product=product,
        link=_share_link(request, distributor, source="link", product_id=product.id if product else None)))


@require_GET
@distributor_required
def share_qr(request: StoreRequest, member: Member, distributor: Distributor) -> HttpResponse:
    """The QR code of the distributor's link (to the store, or to ``?product=``), as PNG."""
    response = HttpResponse(qr_png_for_url(_share_link(request, distributor, source="qr",
                                                       product_id=_product_id(request))), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@distributor_required
def poster(request: StoreRequest, member: Member, distributor: Distributor, product_id: int) -> HttpResponse:
    """A product's share poster with the distributor's name and QR code, to save and send."""
    png = product_poster_png(product_id=product_id, distributor_name=member.nickname or distributor.code,
                             link=_share_link(request, distributor, source="poster", product_id=product_id))
    if png is None:
        raise Http404("No such product on sale")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = f'attachment; filename="poster-{product_id}.png"'
    return response
