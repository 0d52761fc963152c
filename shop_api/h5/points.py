"""Points and levels on the H5 pages: the points card (balance, today's sign-in, how points are earned and used)
with the history, signing in; the member's level card with the way to the next and every level's benefits."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from control_plane.tenancy.requests import StoreRequest
from core.errors import DomainError
from tenants.loyalty.levels import level_progress, member_levels
from tenants.loyalty.models import MemberLevel
from tenants.loyalty.points import loyalty_settings_get, points_sign_in
from tenants.loyalty.selectors import points_card, points_history
from tenants.members.models import Member

from .pages import render_page
from .session import h5_login_required

PAGE_SIZE = 20


@require_GET
@h5_login_required
def card(request: StoreRequest, member: Member) -> HttpResponse:
    page = Paginator(points_history(member_id=member.pk), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "h5/points.html", tab="me", card=points_card(member_id=member.pk), page=page)


@require_POST
@h5_login_required
def sign_in(request: StoreRequest, member: Member) -> HttpResponse:
    try:
        done = points_sign_in(member_id=member.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("签到成功，获得 %(points)d 积分，已连续签到 %(days)d 天。") % {
            "points": done.points, "days": done.streak})
    return HttpResponseRedirect(reverse("h5-points"))


@require_GET
@h5_login_required
def level(request: StoreRequest, member: Member) -> HttpResponse:
    progress = level_progress(member_id=member.pk)
    following = progress["next"]
    percent = 100
    if following is not None:
        parts = [progress["spend_fen"] / following.spend_fen] if following.spend_fen else []
        parts += [progress["orders"] / following.orders] if following.orders else []
        reached = max(parts) if following.rule == MemberLevel.Rule.ANY else min(parts)
        percent = min(int(reached * 100), 99)
    return render_page(request, "h5/member_level.html", tab="me", progress=progress, percent=percent,
                       levels=member_levels(), period_days=loyalty_settings_get().level_period_days)
