"""Coupons for shoppers: the coupon centre, claiming one, the member's own."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.marketing.error_codes import MarketingCode
from tenants.marketing.selectors import coupons_claimable, member_coupons
from tenants.marketing.services import coupon_claim, coupon_summary
from tenants.members.models import Member

from .auth import IsMember, shopper
from .pagination import paginate
from .schema import paginated, refusals


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
