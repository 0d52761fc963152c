"""The distributor centre: apply, bind, my link / QR code / poster, earnings, team, withdraw."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from wechatpy.exceptions import WeChatClientException

from core.errors import Conflict, NotFound
from tenants.distribution.bonuses import bonus_explain
from tenants.distribution.calculations import explain
from tenants.distribution.error_codes import DistributionCode
from tenants.distribution.models import Application, Bonus, Commission, Distributor
from tenants.distribution.network import binding_record_visit, distributor_apply, distributor_share_token
from tenants.distribution.posters import product_poster_png
from tenants.distribution.selectors import distributor_balances, earnings_by_day, team_members
from tenants.distribution.withdrawals import withdrawal_request
from tenants.members.models import MiniProgram
from tenants.members.wechat import miniprogram_code_png

from .auth import IsMember, shopper
from .errors import ShopApiCode
from .pagination import paginate, query_int
from .schema import IDEMPOTENCY_KEY, paginated, refusals


class DistributorApi(APIView):
    permission_classes = [IsMember]

    def distributor(self, request: Request) -> Distributor:
        distributor = Distributor.objects.filter(member=shopper(request)).select_related("grade").first()
        if distributor is None:
            raise NotFound("You are not a distributor of this store.")
        return distributor


class ApplyApi(APIView):
    permission_classes = [IsMember]

    class InputSerializer(serializers.Serializer):
        answers = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
        inviter = serializers.CharField(required=False, allow_blank=True, max_length=32)

    class OutputSerializer(serializers.Serializer):
        application_status = serializers.CharField(help_text="approved at once where the store recruits openly")

    @extend_schema(summary="Apply to become a distributor (answers to the store's own questions)",
                   request=InputSerializer, responses={201: OutputSerializer, **refusals(http_409=[
                       DistributionCode.ALREADY_DISTRIBUTOR, DistributionCode.APPLICATION_PENDING,
                       DistributionCode.DISTRIBUTION_DISABLED, DistributionCode.PURCHASE_REQUIRED,
                       DistributionCode.SPEND_REQUIRED])})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = distributor_apply(member=shopper(request), answers=data.validated_data.get("answers", {}),
                                        inviter_token=data.validated_data.get("inviter", ""))
        return Response({"application_status": application.status}, status=201)


class BindApi(APIView):
    """Called by the client when a shopper arrives through a share link (``?dc=``) or QR scene."""

    permission_classes = [IsMember]

    class InputSerializer(serializers.Serializer):
        share_token = serializers.CharField(max_length=32)
        source = serializers.ChoiceField(choices=["link", "qr", "poster"])  # type: ignore[assignment]  # a field, not Field.source
        scene = serializers.CharField(required=False, allow_blank=True, max_length=64)

    class OutputSerializer(serializers.Serializer):
        bound = serializers.BooleanField(help_text="false where the store's binding rules keep the shopper's "
                                                   "current distributor")
        distributor_code = serializers.CharField(allow_null=True)

    @extend_schema(summary="Record a visit through a distributor's share link or QR code", request=InputSerializer,
                   responses={200: OutputSerializer, **refusals(http_400=[DistributionCode.INVALID_SHARE_TOKEN])})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        binding = binding_record_visit(member=shopper(request), **data.validated_data)
        return Response({"bound": binding is not None,
                         "distributor_code": binding.distributor.code if binding else None})


class DistributorMeApi(DistributorApi):
    class OutputSerializer(serializers.Serializer):
        is_distributor = serializers.BooleanField()
        application_status = serializers.CharField(required=False, allow_null=True,
                                                   help_text="not a distributor: the latest application's")
        reject_reason = serializers.CharField(required=False)
        code = serializers.CharField(required=False)
        status = serializers.CharField(required=False)
        grade = serializers.CharField(required=False, allow_null=True)
        share_token = serializers.CharField(required=False)
        share_link = serializers.URLField(required=False)
        frozen_fen = serializers.IntegerField(required=False)
        available_fen = serializers.IntegerField(required=False)
        withdrawing_fen = serializers.IntegerField(required=False)
        team_direct = serializers.IntegerField(required=False)

    @extend_schema(summary="The shopper's distributor account, or where their application stands",
                   responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        application = Application.objects.filter(member=shopper(request)).order_by("-created_at").first()
        distributor = Distributor.objects.filter(member=shopper(request)).select_related("grade").first()
        if distributor is None:
            return Response({"is_distributor": False,
                             "application_status": application.status if application else None,
                             "reject_reason": application.reject_reason if application else ""})
        token = distributor_share_token(distributor=distributor)
        return Response({
            "is_distributor": True, "code": distributor.code, "status": distributor.status,
            "grade": distributor.grade.name if distributor.grade else None, "share_token": token,
            "share_link": request.build_absolute_uri(f"/?dc={token}"),
            **distributor_balances(distributor=distributor),
            "team_direct": Distributor.objects.filter(parent=distributor).count(),
        })


class CommissionListApi(DistributorApi):
    class OutputSerializer(serializers.Serializer):
        order_number = serializers.CharField()
        line_position = serializers.IntegerField()
        level = serializers.IntegerField()
        amount_fen = serializers.IntegerField()
        clawed_back_fen = serializers.IntegerField()
        status = serializers.CharField()
        explanation = serializers.SerializerMethodField()
        created_at = serializers.DateTimeField()

        def get_explanation(self, c: Commission) -> str:
            return explain(order_number=c.order_number, position=c.line_position, level=c.level, rate_bp=c.rate_bp,
                           fixed_fen=c.fixed_fen, base_fen=c.base_fen, amount_fen=c.amount_fen,
                           rate_source=c.rate_source, is_first_order=c.is_first_order)

    @extend_schema(summary="Commissions, newest first, each explained", responses=paginated(OutputSerializer),
                   parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)])
    def get(self, request: Request) -> Response:
        return paginate(self, Commission.objects.filter(distributor=self.distributor(request)), self.OutputSerializer)


class BonusListApi(DistributorApi):
    class OutputSerializer(serializers.Serializer):
        kind = serializers.CharField()
        month = serializers.DateField(format="%Y-%m")
        base_fen = serializers.IntegerField()
        amount_fen = serializers.IntegerField()
        explanation = serializers.SerializerMethodField()

        def get_explanation(self, bonus: Bonus) -> str:
            return bonus_explain(bonus)

    @extend_schema(summary="Monthly bonuses, each explained", responses=paginated(OutputSerializer),
                   parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)])
    def get(self, request: Request) -> Response:
        return paginate(self, Bonus.objects.filter(distributor=self.distributor(request)), self.OutputSerializer)


class EarningsTrendApi(DistributorApi):
    class OutputSerializer(serializers.Serializer):
        date = serializers.DateField()
        amount_fen = serializers.IntegerField(help_text="earned that day, net of claw-backs")

    @extend_schema(summary="Commission earned per day, oldest first, days with none included",
                   parameters=[OpenApiParameter("days", int, description="1 to 90; 30 by default")],
                   responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        days = query_int(request, "days", default=30, low=1, high=90)
        return Response(earnings_by_day(distributor=self.distributor(request), days=days))


class TeamApi(DistributorApi):
    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        nickname = serializers.CharField(source="member.nickname")
        grade = serializers.CharField(source="grade.name", default=None)
        sales_fen = serializers.IntegerField()
        created_at = serializers.DateTimeField()

    @extend_schema(summary="The team: direct recruits (level 1) or theirs (level 2), with the sales each brought",
                   parameters=[OpenApiParameter("level", int, enum=[1, 2]), OpenApiParameter("page", int),
                               OpenApiParameter("page_size", int)], responses=paginated(OutputSerializer))
    def get(self, request: Request) -> Response:
        level = 2 if request.query_params.get("level") == "2" else 1
        return paginate(self, team_members(distributor=self.distributor(request), level=level), self.OutputSerializer)


class WithdrawApi(DistributorApi):
    class InputSerializer(serializers.Serializer):
        amount_fen = serializers.IntegerField(min_value=1)
        method = serializers.ChoiceField(choices=["wechat", "bank"])
        bank_account = serializers.CharField(required=False, allow_blank=True, max_length=200)

    class OutputSerializer(serializers.Serializer):
        number = serializers.CharField()
        status = serializers.CharField(help_text="requested, or approved where the store approves small amounts")
        fee_fen = serializers.IntegerField()
        net_fen = serializers.IntegerField(help_text="what reaches the distributor")

    @extend_schema(summary="Withdraw available commission under the store's rules (minimum, fee, daily cap)",
                   request=InputSerializer, parameters=[IDEMPOTENCY_KEY], responses={
                       201: OutputSerializer, 200: OutputSerializer, **refusals(http_409=[
                           DistributionCode.DISTRIBUTOR_FROZEN, DistributionCode.IDEMPOTENCY_KEY_REUSED])})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        withdrawal, created = withdrawal_request(
            distributor=self.distributor(request), idempotency_key=request.headers.get("Idempotency-Key", ""),
            **data.validated_data)
        return Response({"number": withdrawal.number, "status": withdrawal.status, "fee_fen": withdrawal.fee_fen,
                         "net_fen": withdrawal.net_fen}, status=201 if created else 200)


class MiniProgramCodeApi(DistributorApi):
    """The distributor's mini-program code: its scene is the share token (WeChat allows 32 characters)."""

    @extend_schema(summary="The distributor's mini-program code (PNG)", parameters=[
        OpenApiParameter("page", str, description="the mini-program page it opens")],
        responses={(200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="image/png"),
                   **refusals(http_409=[ShopApiCode.WXACODE_UNAVAILABLE])})
    def get(self, request: Request) -> HttpResponse:
        token = distributor_share_token(distributor=self.distributor(request))
        try:
            png = miniprogram_code_png(scene=token, page=request.query_params.get("page", ""))
        except (MiniProgram.DoesNotExist, WeChatClientException):
            raise Conflict("The store's mini-program cannot make codes right now.",
                           code=ShopApiCode.WXACODE_UNAVAILABLE) from None
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, max-age=3600"
        return response


class PosterApi(DistributorApi):
    """A PNG poster for one product, with a QR code of the distributor's H5 share link."""

    @extend_schema(summary="A product poster with the distributor's QR code (PNG, 750 × 1334)",
                   responses={(200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="image/png")})
    def get(self, request: Request, product_id: int) -> HttpResponse:
        distributor = self.distributor(request)
        token = distributor_share_token(distributor=distributor)
        png = product_poster_png(product_id=product_id, link=request.build_absolute_uri(
            f"/?dc={token}&src=poster&product={product_id}"), distributor_name=shopper(request).nickname
            or distributor.code)
        if png is None:
            raise NotFound("No such product.")
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, max-age=300"
        return response
