"""Buying on the H5 pages: the cart, the address book, checkout (priced exactly as the shop API prices it),
paying with WeChat Pay (JSAPI in WeChat's browser, H5 elsewhere) and the payment's result."""

from __future__ import annotations

import secrets
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from control_plane.tenancy.requests import StoreRequest
from core.client_ip import client_ip
from core.errors import DomainError
from core.regions import regions_json
from tenants.marketing.flash import flash_buy
from tenants.members.models import Address, Member
from tenants.members.services import address_create, address_delete, address_update
from tenants.orders.models import Order
from tenants.orders.selectors import cart_shown, order_of_member
from tenants.orders.services import cart_add, cart_remove, cart_update, checkout_preview, order_create
from tenants.payments.models import Payment
from tenants.payments.services import payment_prepare, payment_refresh

from .accounts import in_wechat
from .forms import AddressForm, AddToCartForm, CartLineForm, CheckoutForm, coupon_ids, form_refusal, items_text
from .pages import store_context
from .session import device_id, h5_login_required, h5_member, h5_page, login_url

NOTIFY_PATH = "/api/v1/payments/wechatpay/notify/"


@require_POST
@h5_page
def cart_add_view(request: StoreRequest) -> HttpResponse:
    """The product page's buttons: into the cart (back to the product, said so), or straight to checkout."""
    form = AddToCartForm(request.POST)
    product_page = request.POST.get("product_url", "")
    back = product_page if product_page.startswith("/products/") else reverse("h5-cart")
    member = h5_member(request)
    if member is None:  # in after logging in: "buy now" goes on to checkout, "add to cart" back to the product
        buying = form.is_valid() and form.cleaned_data["action"] == "buy"
        after = (f"{reverse('h5-checkout')}?items={form.cleaned_data['sku']}:{form.cleaned_data['quantity']}"
                 if buying else back)
        return HttpResponseRedirect(login_url(request, next_url=after))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, str(errors[0]))
        return HttpResponseRedirect(back)
    sku_id, quantity = form.cleaned_data["sku"], form.cleaned_data["quantity"]
    if form.cleaned_data["action"] == "buy":
        return HttpResponseRedirect(f"{reverse('h5-checkout')}?items={sku_id}:{quantity}")
    try:
        cart_add(member=member, sku_id=sku_id, quantity=quantity)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已加入购物车"))
    return HttpResponseRedirect(back)


@require_GET
@h5_login_required
def cart(request: StoreRequest, member: Member) -> HttpResponse:
    lines = cart_shown(member=member)
    chosen = [line for line in lines if line.selected and line.buyable]
    return render(request, "h5/cart.html", store_context(
        request, lines=lines, chosen_count=sum(line.quantity for line in chosen),
        chosen_fen=sum(line.amount_fen for line in chosen), tab="cart"))


@require_POST
@h5_login_required
def cart_line(request: StoreRequest, member: Member, item_id: int) -> HttpResponse:
    """One cart row's buttons: one more, one less, remove, tick or untick."""
    form = CartLineForm(request.POST)
    line = next((line for line in cart_shown(member=member) if line.item_id == item_id), None)
    if line is None or not form.is_valid():
        return HttpResponseRedirect(reverse("h5-cart"))
    action = form.cleaned_data["action"]
    try:
        if action == "remove" or (action == "less" and line.quantity <= 1):
            cart_remove(member=member, item_ids=[item_id])
        elif action in ("more", "less"):
            cart_update(member=member, item_id=item_id, quantity=line.quantity + (1 if action == "more" else -1))
        else:
            cart_update(member=member, item_id=item_id, selected=action == "select")
    except DomainError as error:
        messages.error(request, f"{line.title}：{error.message}")
    return HttpResponseRedirect(reverse("h5-cart"))


def _checkout_items(request: StoreRequest, member: Member) -> list[dict]:
    """What is being bought: the buy-now SKU of the link, or the cart's ticked rows that can be bought."""
    if "items" in request.GET:
        field = CheckoutForm.base_fields["items"]
        try:
            return field.clean(request.GET["items"])
        except forms.ValidationError:  # a hand-edited link: nothing is bought from it
            return []
    return [{"sku_id": line.sku_id, "quantity": line.quantity} for line in cart_shown(member=member)
            if line.selected and line.buyable]


def _single_id(request: StoreRequest, name: str) -> int | None:
    """A campaign's id from the checkout link (``?flash=``, ``?group=``, ``?team=``), or None."""
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _addresses(member: Member) -> list[Address]:
    return list(member.addresses.all())


@require_http_methods(["GET", "POST"])
@h5_login_required
def checkout(request: StoreRequest, member: Member) -> HttpResponse:
    """The order as it will be placed: the address, every line, the total exactly as the API computes it (the
    same ``checkout_preview``); placing it once however many times the button is pressed."""
    addresses = _addresses(member)
    if request.method == "POST":
        form = CheckoutForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["flash"] and len(data["items"]) == 1:
                    order, _created = flash_buy(
                        member_id=member.pk, load_member=lambda: member, item_id=data["flash"],
                        quantity=data["items"][0]["quantity"], address_id=data["address"],
                        idempotency_key=data["key"], remark=data["remark"], device_id=device_id(request),
                        client_ip=client_ip(request))
                else:
                    order, _created = order_create(
                        member=member, idempotency_key=data["key"], address_id=data["address"], items=data["items"],
                        remark=data["remark"], coupon_ids=coupon_ids(data["coupon"]), device_id=device_id(request),
                        client_ip=client_ip(request), points=data["points"] or 0,
                        group_buy={"id": data["group"], "team": data["team"]} if data["group"] else None)
            except DomainError as error:
                form_refusal(form, error)
            else:
                return HttpResponseRedirect(reverse("h5-order-pay", kwargs={"number": order.number}))
        items = form.cleaned_data.get("items") or []
        address_id = form.cleaned_data.get("address")
        choice = form.cleaned_data.get("coupon") or ""
        flash = form.cleaned_data.get("flash")
        group, team = form.cleaned_data.get("group"), form.cleaned_data.get("team")
        points = form.cleaned_data.get("points") or 0
    else:
        items = _checkout_items(request, member)
        if not items:
            messages.error(request, _("请先选择要购买的商品。"))
            return HttpResponseRedirect(reverse("h5-cart"))
        chosen = request.GET.get("address", "")
        address_id = next((a.pk for a in addresses if str(a.pk) == chosen), None) or \
            next((a.pk for a in addresses if a.is_default), None)
        choice = request.GET.get("coupon", "") if coupon_ids(request.GET.get("coupon")) is not None else ""
        flash = _single_id(request, "flash") if len(items) == 1 else None
        group, team = (_single_id(request, name) if len(items) == 1 else None for name in ("group", "team"))
        points = _single_id(request, "points") or 0
        form = CheckoutForm(initial={"items": items_text(items), "address": address_id,
                                     "key": secrets.token_urlsafe(24), "coupon": choice, "flash": flash,
                                     "group": group, "team": team, "points": points or None})
    preview, problem = None, ""
    if address_id and items:
        group_buy = {"id": group, "team": team} if group else None
        # Points asked for that are no longer there (spent, or the cart changed): said, and priced without them.
        for asked in dict.fromkeys([points, 0]):
            try:
                preview = checkout_preview(member=member, address_id=address_id, items=items,
                                           coupon_ids=coupon_ids(choice), flash_item_id=flash, group_buy=group_buy,
                                           points=asked)
            except DomainError as error:
                problem, points = error.message, 0
            else:
                break
    status = 400 if form.is_bound and form.errors else 200
    offer = preview.offers.get("points") if preview else None
    response = render(request, "h5/checkout.html", store_context(
        request, form=form, preview=preview, problem=problem, addresses=addresses,
        address=next((a for a in addresses if a.pk == address_id), None), items=items_text(items), coupon=choice,
        items_q=quote(items_text(items)), address_q=str(address_id or ""), flash=flash or "",
        extra_q="".join(f"&{name}={value}" for name, value in (("flash", flash), ("group", group), ("team", team),
                                                               ("points", points)) if value),
        points=points, points_offer=offer, points_q=f"&points={points}" if points else "",
        points_toggle=f"{reverse('h5-checkout')}?items={quote(items_text(items))}&address={address_id or ''}"
                      f"&coupon={quote(choice)}" + "".join(f"&{name}={value}" for name, value in (
                          ("flash", flash), ("group", group), ("team", team)) if value) + (
                          f"&points={offer['max_points']}" if offer and not points else ""),
        coupons=preview.offers.get("coupons", []) if preview else [],
        applied=preview.promotions.get("coupons", []) if preview else [],
        new_address=f"{reverse('h5-address-new')}?next={quote(request.get_full_path())}"), status=status)
    device_id(request, response)
    return response


@require_http_methods(["GET", "POST"])
@h5_login_required
def order_pay(request: StoreRequest, member: Member, number: str) -> HttpResponse:
    """Pay an unpaid order: inside WeChat with JSAPI (the page hands the signed parameters to WeixinJSBridge),
    elsewhere through WeChat's H5 cashier, which comes back to the result page."""
    order = order_of_member(member=member, number=number)
    if order is None:
        raise Http404("No such order")
    if order.status != Order.Status.PENDING_PAYMENT:
        return HttpResponseRedirect(reverse("h5-order", kwargs={"number": number}))
    result = request.build_absolute_uri(reverse("h5-order-result", kwargs={"number": number}))
    jsapi, problem = None, ""
    if request.method == "POST":
        notify_url = request.build_absolute_uri(NOTIFY_PATH)
        try:
            if in_wechat(request) and member.oa_openid:
                jsapi = payment_prepare(order=order, channel=Payment.Channel.JSAPI, payer_openid=member.oa_openid,
                                        notify_url=notify_url)
            else:
                cashier = payment_prepare(order=order, channel=Payment.Channel.H5, client_ip=client_ip(request),
                                          notify_url=notify_url)
                return HttpResponseRedirect(f"{cashier['h5_url']}&redirect_url={quote(result, safe='')}")
        except DomainError as error:
            problem = error.message
    return render(request, "h5/pay.html", store_context(request, order=order, jsapi=jsapi, result_url=result,
                                                   problem=problem), status=400 if problem else 200)


@require_GET
@h5_login_required
def order_result(request: StoreRequest, member: Member, number: str) -> HttpResponse:
    """Back from paying: WeChat's word is asked when its notification has not arrived yet."""
    order = order_of_member(member=member, number=number)
    if order is None:
        raise Http404("No such order")
    try:
        status = payment_refresh(order=order)
    except DomainError:
        status = order.status
    return render(request, "h5/pay_result.html", store_context(
        request, order=order, paid=status not in (Order.Status.PENDING_PAYMENT, Order.Status.CANCELLED)))


# --- the address book ------------------------------------------------------------------------------------

@require_GET
@h5_login_required
def addresses(request: StoreRequest, member: Member) -> HttpResponse:
    return render(request, "h5/addresses.html", store_context(request, addresses=_addresses(member), tab="me"))


def _after_address(request: StoreRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else reverse("h5-addresses")


@require_http_methods(["GET", "POST"])
@h5_login_required
def address_edit(request: StoreRequest, member: Member, address_id: int | None = None) -> HttpResponse:
    """A new address, or one of the member's to change; the region is picked province / city / county."""
    address = None
    if address_id is not None:
        address = next((a for a in _addresses(member) if a.pk == address_id), None)
        if address is None:
            raise Http404("No such address")
    if request.method == "POST":
        form = AddressForm(request.POST)
        if form.is_valid():
            try:
                if address is None:
                    saved = address_create(member=member, values=form.values())
                else:
                    saved = address_update(member=member, address_id=address.pk, values=form.values())
            except DomainError as error:
                form_refusal(form, error)
            else:
                target = _after_address(request)
                if target.startswith(reverse("h5-checkout")):
                    target = f"{target}{'&' if '?' in target else '?'}address={saved.pk}"
                return HttpResponseRedirect(target)
    else:
        form = AddressForm(initial={name: getattr(address, name) for name in AddressForm.base_fields} if address
                           else {})
    return render(request, "h5/address_form.html", store_context(
        request, form=form, address=address, next=_after_address(request), tab="me"),
        status=400 if form.is_bound and form.errors else 200)


@require_POST
@h5_login_required
def address_remove(request: StoreRequest, member: Member, address_id: int) -> HttpResponse:
    try:
        address_delete(member=member, address_id=address_id)
    except DomainError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("h5-addresses"))


@require_GET
@cache_control(public=True, max_age=86400)
def regions(request: StoreRequest) -> HttpResponse:
    """China's regions for the address pickers (the same data the addresses are checked against)."""
    return HttpResponse(regions_json(), content_type="application/json")
