"""邀请有礼 on the H5 pages: the member's invitation link and QR code (``?sc=``), the store's share rewards, and
what the member's invitations have earned."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from control_plane.tenancy.requests import StoreRequest
from tenants.distribution.posters import qr_png_for_url
from tenants.marketing.models import ShareReward
from tenants.marketing.sharing import REFUSALS, share_code_for, share_rewards_latest, share_settings_get
from tenants.members.models import Member

from .pages import render_page
from .session import device_id, h5_login_required


def _link(request: StoreRequest, member: Member) -> str:
    return request.build_absolute_uri(f"{reverse('h5-home')}?sc={share_code_for(member=member).code}")


@require_GET
@h5_login_required
def invite(request: StoreRequest, member: Member) -> HttpResponse:
    share_code_for(member=member, device_id=device_id(request))  # the device the member shares from
    rewards = share_rewards_latest(sharer=member)
    response = render_page(request, "h5/invite.html", tab="me", link=_link(request, member),
                           rules=share_settings_get(), rewards=rewards, refusals=REFUSALS,
                           given=sum(r.points for r in rewards if r.status == ShareReward.Status.GIVEN))
    device_id(request, response)
    return response


@require_GET
@h5_login_required
def invite_qr(request: StoreRequest, member: Member) -> HttpResponse:
    response = HttpResponse(qr_png_for_url(_link(request, member)), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response
