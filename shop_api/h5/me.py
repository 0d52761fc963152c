"""The shopper's own pages beyond orders: the profile (nickname, avatar, birthday, marketing consent) with the
member's data rights (download, 注销), favourite products (favourited on the product page) and the products seen
lately (recorded by the product page for a signed-in shopper)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from control_plane.tenancy.requests import StoreRequest
from core.errors import DomainError
from tenants.members.models import Member
from tenants.members.services import favourite_set, history_clear, member_avatar_store, member_update_profile
from tenants.privacy.models import PrivacyRequest
from tenants.privacy.services import member_data_export, member_erase

from .forms import ProfileForm, form_refusal
from .pages import render_page
from .session import h5_login_required, h5_sign_out, safe_next

PAGE_SIZE = 20



@require_http_methods(["GET", "POST"])
@h5_login_required
def profile(request: StoreRequest, member: Member) -> HttpResponse:
    form = ProfileForm(request.POST or None, request.FILES or None,
                       initial={"nickname": member.nickname, "birthday": member.birthday,
                                "marketing_consent": member.marketing_consent})
    if form.is_bound and form.is_valid():
        try:
            if form.cleaned_data["avatar"]:
                member_avatar_store(member=member, upload=form.cleaned_data["avatar"])
            member_update_profile(member=member, nickname=form.cleaned_data["nickname"],
                                  birthday=form.cleaned_data["birthday"],
                                  marketing_consent=form.cleaned_data["marketing_consent"])
        except DomainError as error:
            form_refusal(form, error)
        else:
            messages.success(request, _("资料已保存。"))
            return HttpResponseRedirect(reverse("h5-me"))
    return render_page(request, "h5/profile.html", tab="me", status=400 if form.is_bound and form.errors else 200,
                       member=member, form=form)


@require_GET
@h5_login_required
def favourites(request: StoreRequest, member: Member) -> HttpResponse:
    found = member.favourites.select_related("product").order_by("-created_at")
    return render_page(request, "h5/favourites.html", tab="me",
                       page=Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")))


@require_POST
@h5_login_required
def favourite_toggle(request: StoreRequest, member: Member, product_id: int) -> HttpResponse:
    """Favourite a product (``on=1``) or no longer (``on=0``); back to where the shopper pressed it."""
    on = request.POST.get("on") == "1"
    try:
        favourite_set(member=member, product_id=product_id, on=on)
    except DomainError as error:  # no longer on sale: its page is gone, the favourites are not
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("h5-favourites"))
    messages.success(request, _("已收藏") if on else _("已取消收藏"))
    return HttpResponseRedirect(safe_next(request, reverse("h5-product", kwargs={"product_id": product_id})))


@require_http_methods(["GET", "POST"])
@h5_login_required
def history(request: StoreRequest, member: Member) -> HttpResponse:
    """Products seen lately, newest first; POST clears them."""
    if request.method == "POST":
        history_clear(member=member)
        messages.success(request, _("浏览记录已清空。"))
        return HttpResponseRedirect(reverse("h5-history"))
    found = member.history.select_related("product").order_by("-viewed_at")
    return render_page(request, "h5/history.html", tab="me",
                       page=Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")))


@require_GET
@h5_login_required
def my_data(request: StoreRequest, member: Member) -> HttpResponse:
    """The member's personal data as a JSON file (PIPL), the download recorded."""
    data = member_data_export(member_id=member.pk, actor="member")
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y%m%d}.json"'
    return response


@require_POST
@h5_login_required
def erase(request: StoreRequest, member: Member) -> HttpResponse:
    """注销: the member's personal data deleted now and the browser signed out, or the request kept waiting for
    business to finish, said on the profile page."""
    done = member_erase(member_id=member.pk, actor="member")
    if done.status == PrivacyRequest.Status.PENDING:
        messages.error(request, _("暂时无法注销：%(why)s。处理完成后商家会为你完成注销。") % {
            "why": done.blocked_reason})
        return HttpResponseRedirect(reverse("h5-profile"))
    messages.success(request, _("账号已注销，你的个人信息已删除。"))
    return h5_sign_out(HttpResponseRedirect(reverse("h5-home")))
