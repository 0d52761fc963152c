"""Points and levels for shoppers: the points card (balance, sign-in, the store's rules), the history, signing in;
the member's level with the way to the next."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.loyalty.error_codes import LoyaltyCode
from tenants.loyalty.levels import level_progress, member_levels
from tenants.loyalty.points import points_sign_in
from tenants.loyalty.selectors import points_card, points_history

from .auth import IsMember, shopper
from .pagination import paginate
from .schema import paginated, refusals


class PointsRulesOutput(serializers.Serializer):
    points_enabled = serializers.BooleanField()
    earn_points_per_yuan = serializers.IntegerField(help_text="points per ¥1 paid, earned once the order is received")
    redeem_points_per_yuan = serializers.IntegerField(help_text="points that take ¥1 off at checkout")
    redeem_max_share_bp = serializers.IntegerField(help_text="the largest share of the goods points may pay")
    sign_in_points = serializers.IntegerField()
    sign_in_streak_days = serializers.IntegerField()
    sign_in_streak_bonus = serializers.IntegerField()
    review_points = serializers.IntegerField()
    expiry = serializers.CharField()


class PointsCardOutput(serializers.Serializer):
    balance = serializers.IntegerField()
    signed_in_today = serializers.BooleanField()
    streak = serializers.IntegerField(help_text="sign-in days in a row")
    expires_before = serializers.CharField(help_text="points earned before this day have expired ('' never)")
    rules = PointsRulesOutput()


class PointsEntryOutput(serializers.Serializer):
    points = serializers.IntegerField(source="amount_fen", help_text="positive: earned or given back")
    kind = serializers.CharField(source="journal.kind")
    label = serializers.CharField(source="journal.get_kind_display")  # type: ignore[assignment]  # a field, not Field.label
    memo = serializers.CharField(source="journal.memo")
    order_number = serializers.CharField(source="journal.reference")
    created_at = serializers.DateTimeField()


class PointsApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="The member's points card: balance, today's sign-in, the store's points rules",
                   responses=PointsCardOutput)
    def get(self, request: Request) -> Response:
        return Response(PointsCardOutput(points_card(member_id=shopper(request).pk)).data)


class PointsHistoryApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="Every change of the member's points, newest first", responses=paginated(PointsEntryOutput),
                   parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)])
    def get(self, request: Request) -> Response:
        return paginate(self, points_history(member_id=shopper(request).pk), PointsEntryOutput)


class SignInApi(APIView):
    permission_classes = [IsMember]

    class OutputSerializer(serializers.Serializer):
        points = serializers.IntegerField(help_text="what today's sign-in earned")
        streak = serializers.IntegerField()
        day = serializers.DateField()

    @extend_schema(summary="Sign in for today (签到): the store's points, and the streak bonus on its day",
                   request=None, responses={201: OutputSerializer, **refusals(
                       http_409=[LoyaltyCode.SIGNED_IN_TODAY, LoyaltyCode.POINTS_OFF])})
    def post(self, request: Request) -> Response:
        sign_in = points_sign_in(member_id=shopper(request).pk)
        return Response(self.OutputSerializer(sign_in).data, status=201)


class LevelOutput(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField()
    spend_fen = serializers.IntegerField(help_text="received spend within the period to reach it")
    orders = serializers.IntegerField(help_text="received orders within the period to reach it")
    rule = serializers.CharField(help_text="any: either threshold; all: both")
    price_off_bp = serializers.IntegerField(help_text="member price: this much off")
    free_shipping_over_fen = serializers.IntegerField(allow_null=True)
    points_multiplier_bp = serializers.IntegerField(help_text="10000 = the store's points, 1x")


class MemberLevelOutput(serializers.Serializer):
    level = LevelOutput()
    next = LevelOutput(allow_null=True, help_text="the next level up (null at the top)")
    spend_fen = serializers.IntegerField(help_text="received spend within the period, as last evaluated")
    orders = serializers.IntegerField()
    spend_left_fen = serializers.IntegerField(help_text="more spend that reaches the next level")
    orders_left = serializers.IntegerField()
    levels = LevelOutput(many=True)


class MemberLevelApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="The member's level (会员等级), the way to the next one, and every level's benefits",
                   responses=MemberLevelOutput)
    def get(self, request: Request) -> Response:
        progress = level_progress(member_id=shopper(request).pk)
        return Response(MemberLevelOutput({**progress, "levels": member_levels()}).data)
