"""Promotions for shoppers: the coupon centre, claiming one, the member's own, redeeming a code; flash sales and
buying in one; group buys, their teams, opening or joining one."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.client_ip import client_ip
from core.errors import CoreCode, NotFound
from tenants.catalog.error_codes import CatalogCode
from tenants.marketing.error_codes import MarketingCode
from tenants.marketing.flash import MemberGone, flash_buy
from tenants.marketing.models import GroupBuy
from tenants.marketing.selectors import (
    coupons_claimable,
    flash_items_on_show,
    group_buys_running,
    group_team_shown,
    member_coupons,
)
from tenants.marketing.services import coupon_claim, coupon_code_redeem, coupon_summary
from tenants.members.models import Member
from tenants.orders.error_codes import OrdersCode
from tenants.orders.services import order_create

from .auth import INVALID_TOKEN, IsMember, IsSignedMember, SignedMember, SignedMemberAuthentication, shopper
from .orders import OrderOutput
from .pagination import paginate
from .schema import IDEMPOTENCY_KEY, paginated, refusals


class CouponOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    summary = serializers.SerializerMethodField()
    amount_fen = serializers.IntegerField()
    percent_off_bp = serializers.IntegerField()
    max_discount_fen = serializers.IntegerField(allow_null=True)
    threshold_fen = serializers.IntegerField()
    scope = serializers.CharField()
    valid_from = serializers.DateTimeField(allow_null=True)
    valid_until = serializers.DateTimeField(allow_null=True)
    valid_days = serializers.IntegerField(allow_null=True)
    per_member_limit = serializers.IntegerField()

    def get_summary(self, coupon) -> str:
        return coupon_summary(coupon)


class CouponCentreOutput(CouponOutput):
    left = serializers.IntegerField(help_text="how many are still to be claimed")
    held = serializers.IntegerField(default=0, help_text="how many the signed-in member already holds")


class MemberCouponOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="what checkout's coupon_ids take")
    status = serializers.CharField()
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()
    order_id = serializers.IntegerField(allow_null=True)
    coupon = CouponOutput()


class CouponCentreApi(APIView):
    @extend_schema(summary="The coupon centre: coupons to claim", responses=paginated(CouponCentreOutput),
                   parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)])
    def get(self, request: Request) -> Response:
        member = request.user if isinstance(request.user, Member) else None
        return paginate(self, coupons_claimable(member=member), CouponCentreOutput)


class CouponClaimApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="Claim a coupon", request=None, responses={201: MemberCouponOutput, **refusals(
        http_409=[MarketingCode.COUPON_GONE, MarketingCode.COUPON_LIMIT_REACHED, MarketingCode.COUPON_NOT_CLAIMABLE])})
    def post(self, request: Request, coupon_id: int) -> Response:
        held = coupon_claim(member=shopper(request), coupon_id=coupon_id)
        return Response(MemberCouponOutput(held).data, status=201)


class MyCouponsApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="The member's coupons: usable (soonest to expire first), used or expired",
                   parameters=[OpenApiParameter("state", str, enum=["usable", "used", "expired"]),
                               OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
                   responses=paginated(MemberCouponOutput))
    def get(self, request: Request) -> Response:
        state = request.query_params.get("state", "usable")
        if state not in ("usable", "used", "expired"):
            raise serializers.ValidationError({"state": ["one of usable, used, expired"]})
        return paginate(self, member_coupons(member=shopper(request), state=state), MemberCouponOutput)


class FlashItemOutput(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk", help_text="what POST /flash-sales/items/{id}/orders/ takes")
    sku_id = serializers.IntegerField(source="item.sku_id")
    product_id = serializers.IntegerField(source="item.sku.product_id")
    title = serializers.CharField(source="item.sku.product.title")
    cover_image = serializers.CharField(source="item.sku.product.cover_image")
    price_fen = serializers.IntegerField(source="item.sku.price_fen", help_text="the usual price")
    flash_price_fen = serializers.IntegerField(source="item.price_fen")
    quota = serializers.IntegerField(source="item.quota")
    left = serializers.IntegerField()
    per_member_limit = serializers.IntegerField(source="item.flash_sale.per_member_limit")
    sale_name = serializers.CharField(source="item.flash_sale.name")
    starts_at = serializers.DateTimeField(source="item.flash_sale.starts_at")
    ends_at = serializers.DateTimeField(source="item.flash_sale.ends_at")


class FlashSalesApi(APIView):
    @extend_schema(summary="Flash sales running now or starting within a week, soonest first",
                   responses=FlashItemOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(FlashItemOutput(flash_items_on_show(), many=True).data)


class FlashBuyInput(serializers.Serializer):
    address_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=99, default=1)
    remark = serializers.CharField(required=False, allow_blank=True, max_length=200)
    device_id = serializers.CharField(required=False, allow_blank=True, max_length=64)


class FlashBuyApi(APIView):
    # The token's signature is enough to be refused (sold out, over the limit): the member is loaded, and the
    # token checked against them, only for a request the gate admitted.
    authentication_classes = [SignedMemberAuthentication]
    permission_classes = [IsSignedMember]

    @extend_schema(summary="Buy a flash-sale item: sold-out, over-limit, early and late requests are refused at "
                           "once; an admitted one places the order at the flash price (pay it as any order)",
                   request=FlashBuyInput, parameters=[IDEMPOTENCY_KEY],
                   responses={201: OrderOutput, 200: OrderOutput, **refusals(
                       http_404=[CoreCode.NOT_FOUND],
                       http_409=[MarketingCode.FLASH_SOLD_OUT, MarketingCode.FLASH_LIMIT_REACHED,
                                 MarketingCode.FLASH_NOT_STARTED, MarketingCode.FLASH_CLOSED,
                                 OrdersCode.IDEMPOTENCY_KEY_REUSED, OrdersCode.UNREACHABLE_REGION,
                                 CatalogCode.INSUFFICIENT_STOCK])})
    def post(self, request: Request, item_id: int) -> Response:
        data = FlashBuyInput(data=request.data)
        data.is_valid(raise_exception=True)
        signed, given = request.user, data.validated_data
        if not isinstance(signed, SignedMember):
            raise AuthenticationFailed(INVALID_TOKEN)
        try:
            order, created = flash_buy(
                member_id=signed.pk, load_member=signed.load, item_id=item_id, quantity=given["quantity"],
                address_id=given["address_id"], idempotency_key=request.headers.get("Idempotency-Key", ""),
                remark=given.get("remark", ""), device_id=given.get("device_id", ""), client_ip=client_ip(request))
        except MemberGone:
            raise AuthenticationFailed(INVALID_TOKEN) from None
        return Response(OrderOutput(order).data, status=201 if created else 200)


class RedeemInput(serializers.Serializer):
    code = serializers.CharField(max_length=32)


class CouponRedeemApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="Redeem a coupon code (兑换码): the coupon joins the member's", request=RedeemInput,
                   responses={201: MemberCouponOutput, **refusals(
                       http_400=[MarketingCode.CODE_WRONG],
                       http_409=[MarketingCode.CODE_USED, MarketingCode.COUPON_GONE, MarketingCode.COUPON_LIMIT_REACHED,
                                 MarketingCode.COUPON_NOT_CLAIMABLE])})
    def post(self, request: Request) -> Response:
        data = RedeemInput(data=request.data)
        data.is_valid(raise_exception=True)
        held = coupon_code_redeem(member=shopper(request), code=data.validated_data["code"])
        return Response(MemberCouponOutput(held).data, status=201)


class GroupBuyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sku_id = serializers.IntegerField()
    product_id = serializers.IntegerField(source="sku.product_id")
    title = serializers.CharField(source="sku.product.title")
    price_fen = serializers.IntegerField(source="sku.price_fen", help_text="the usual price")
    group_price_fen = serializers.IntegerField(source="price_fen")
    group_size = serializers.IntegerField()
    hours = serializers.IntegerField(help_text="how long a team has to fill")
    ends_at = serializers.DateTimeField()


class GroupPlaceOutput(serializers.Serializer):
    nickname = serializers.SerializerMethodField()
    avatar_url = serializers.CharField(source="member.avatar_url")
    paid = serializers.BooleanField()
    joined_at = serializers.DateTimeField()

    def get_nickname(self, place) -> str:
        name = place.member.nickname or ""
        return (name[:1] + "**") if name else "**"  # others' names, masked


class GroupTeamOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    deadline_at = serializers.DateTimeField()
    group_buy = GroupBuyOutput()
    places = GroupPlaceOutput(many=True)
    places_left = serializers.SerializerMethodField()

    def get_places_left(self, team) -> int:
        return max(team.group_buy.group_size - len(team.places.all()), 0)


class GroupBuysApi(APIView):
    @extend_schema(summary="Group buys running now", responses=GroupBuyOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(GroupBuyOutput(group_buys_running(), many=True).data)


class GroupTeamApi(APIView):
    @extend_schema(summary="A group-buy team (the page its share link opens): places taken and left, deadline",
                   responses={200: GroupTeamOutput, **refusals(http_404=[CoreCode.NOT_FOUND])})
    def get(self, request: Request, team_id: int) -> Response:
        team = group_team_shown(team_id=team_id)
        if team is None:
            raise NotFound(_("没有这个团。"))
        return Response(GroupTeamOutput(team).data)


class GroupBuyOrderInput(serializers.Serializer):
    address_id = serializers.IntegerField(min_value=1)
    team_id = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                       help_text="the team to join; left out, the order opens a new team")
    remark = serializers.CharField(required=False, allow_blank=True, max_length=200)


class GroupBuyOrderApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="Open a group-buy team, or join one, with an order at the group price (pay it as any "
                           "order; an unfilled team is refunded when its time is up)",
                   request=GroupBuyOrderInput, parameters=[IDEMPOTENCY_KEY],
                   responses={201: OrderOutput, 200: OrderOutput, **refusals(
                       http_409=[MarketingCode.GROUP_CLOSED, MarketingCode.GROUP_FULL, MarketingCode.GROUP_JOINED,
                                 OrdersCode.IDEMPOTENCY_KEY_REUSED, CatalogCode.INSUFFICIENT_STOCK])})
    def post(self, request: Request, group_buy_id: int) -> Response:
        data = GroupBuyOrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        group_buy = GroupBuy.objects.filter(pk=group_buy_id).first()
        if group_buy is None:
            raise NotFound(_("没有这个拼团。"))
        order, created = order_create(
            member=shopper(request), idempotency_key=request.headers.get("Idempotency-Key", ""),
            address_id=data.validated_data["address_id"], items=[{"sku_id": group_buy.sku_id, "quantity": 1}],
            remark=data.validated_data.get("remark", ""), client_ip=client_ip(request),
            group_buy={"id": group_buy.pk, "team": data.validated_data.get("team_id")})
        return Response(OrderOutput(order).data, status=201 if created else 200)
