"""Points on the H5 pages: the points card (balance, today's sign-in, how points are earned and used) with the
history, and signing in."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from control_plane.tenancy.requests import StoreRequest
from core.errors import DomainError
from tenants.loyalty.points import points_sign_in
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
