"""A group-buy team on the H5 pages (the page its share link opens): the product at the group price, who has
joined and how many places are left, the time left, and joining it (through the checkout) or inviting others."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from control_plane.tenancy.requests import StoreRequest
from tenants.marketing.selectors import group_team_shown

from .pages import render_page
from .session import h5_member, h5_page


@require_GET
@h5_page
def team(request: StoreRequest, team_id: int) -> HttpResponse:
    found = group_team_shown(team_id=team_id)
    if found is None:
        raise Http404("No such team")
    member = h5_member(request)
    places = list(found.places.all())
    left = max(found.group_buy.group_size - len(places), 0)
    return render_page(request, "h5/group_team.html", tab="home", team=found, group=found.group_buy, places=places,
                       left=left, empty=range(left), member=member,
                       joined=member is not None and any(p.member_id == member.pk for p in places),
                       share_url=request.build_absolute_uri())
