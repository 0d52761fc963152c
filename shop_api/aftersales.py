"""The shopper's after-sales: request a refund, a return or an exchange for lines of a delivered order
(with reasons and photos), follow it, send the goods back with a tracking number, or withdraw it."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import CoreCode, NotFound
from core.schema import current_schema
from tenants.orders.aftersales import (
    MAX_PHOTOS,
    after_sale_cancel,
    after_sale_photos_store,
    after_sale_request,
    after_sale_return_ship,
)
from tenants.orders.error_codes import OrdersCode
from tenants.orders.models import AfterSale

from .auth import shopper
from .orders import MemberApi, _my_order
from .pagination import paginate
from .schema import paginated, refusals


class AfterSaleOutput(serializers.Serializer):
    class LineOutput(serializers.Serializer):
        line_id = serializers.IntegerField(source="order_line_id")
        title = serializers.CharField(source="order_line.title")
        quantity = serializers.IntegerField()
        refund_fen = serializers.IntegerField()

    number = serializers.CharField()
    order_number = serializers.CharField(source="order.number")
    kind = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    reason = serializers.CharField()
    description = serializers.CharField()
    photos = serializers.ListField(child=serializers.CharField())
    refund_fen = serializers.IntegerField()
    reject_reason = serializers.CharField()
    return_carrier_code = serializers.CharField()
    return_tracking_no = serializers.CharField()
    return_deadline_at = serializers.DateTimeField()
    exchange_carrier_code = serializers.CharField()
    exchange_tracking_no = serializers.CharField()
    created_at = serializers.DateTimeField()
    lines = LineOutput(many=True)


def _mine(request: Request):
    return AfterSale.objects.filter(order__member=shopper(request)).select_related("order").prefetch_related(
        "lines__order_line").order_by("-created_at")


def _my_after_sale(request: Request, number: str) -> AfterSale:
    after_sale = _mine(request).filter(number=number).first()
    if after_sale is None:
        raise NotFound("No such after-sale.")
    return after_sale


def _own_photo(value: str) -> None:
    """Only photos uploaded to this store (its own media, through the photo endpoint) may be attached."""
    if not value.startswith(f"{settings.MEDIA_URL}{current_schema()}/aftersales/") or ".." in value:
        raise serializers.ValidationError("upload the photo through /api/v1/after-sales/photos/ first")


class OrderAfterSaleApi(MemberApi):
    class InputSerializer(serializers.Serializer):
        class LineInput(serializers.Serializer):
            line_id = serializers.IntegerField(min_value=1)
            quantity = serializers.IntegerField(min_value=1, max_value=999)

        kind = serializers.ChoiceField(choices=AfterSale.Kind.choices)
        lines = LineInput(many=True, min_length=1)  # type: ignore[call-arg]  # for the list; stubs lag
        reason = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, max_length=500)
        photos = serializers.ListField(child=serializers.CharField(max_length=300, validators=[_own_photo]),
                                       required=False, max_length=MAX_PHOTOS)

    @extend_schema(summary="Ask for a refund, a return or an exchange of lines of a received order",
                   request=InputSerializer, responses={201: AfterSaleOutput, **refusals(
                       http_409=[OrdersCode.AFTER_SALE_EXPIRED, CoreCode.ILLEGAL_TRANSITION])})
    def post(self, request: Request, number: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        after_sale = after_sale_request(
            order=_my_order(request, number), kind=values["kind"], reason=values["reason"],
            lines={line["line_id"]: line["quantity"] for line in values["lines"]},
            description=values.get("description", ""), photos=values.get("photos", []),
            actor=f"member:{shopper(request).pk}")
        return Response(AfterSaleOutput(_my_after_sale(request, after_sale.number)).data, status=201)


class AfterSaleListApi(MemberApi):
    @extend_schema(operation_id="after_sales_list", summary="The shopper's after-sales, newest first",
                   responses=paginated(AfterSaleOutput),
                   parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)])
    def get(self, request: Request) -> Response:
        return paginate(self, _mine(request), AfterSaleOutput)


class AfterSaleDetailApi(MemberApi):
    @extend_schema(summary="One after-sale", responses=AfterSaleOutput)
    def get(self, request: Request, number: str) -> Response:
        return Response(AfterSaleOutput(_my_after_sale(request, number)).data)


class AfterSaleReturnApi(MemberApi):
    class InputSerializer(serializers.Serializer):
        carrier_code = serializers.CharField(max_length=20)
        tracking_no = serializers.CharField(max_length=40)

    @extend_schema(summary="Send the goods back: the carrier and tracking number of the return parcel",
                   request=InputSerializer, responses={200: AfterSaleOutput, **refusals(
                       http_409=[CoreCode.ILLEGAL_TRANSITION])})
    def post(self, request: Request, number: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        after_sale_return_ship(after_sale=_my_after_sale(request, number), **data.validated_data)
        return Response(AfterSaleOutput(_my_after_sale(request, number)).data)


class AfterSaleCancelApi(MemberApi):
    @extend_schema(summary="Withdraw an after-sale request", request=None, responses={
        200: AfterSaleOutput, **refusals(http_409=[CoreCode.ILLEGAL_TRANSITION])})
    def post(self, request: Request, number: str) -> Response:
        after_sale_cancel(after_sale=_my_after_sale(request, number), actor=f"member:{shopper(request).pk}")
        return Response(AfterSaleOutput(_my_after_sale(request, number)).data)


class AfterSalePhotoApi(MemberApi):
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        photo = serializers.ImageField(help_text="JPEG, PNG or WebP")

    class OutputSerializer(serializers.Serializer):
        url = serializers.CharField(help_text="attach it to the request's photos")

    @extend_schema(summary="Upload a photo for an after-sale request", request=InputSerializer, responses={
        201: OutputSerializer, **refusals(http_400=[CoreCode.IMAGE_FORMAT, CoreCode.IMAGE_TOO_LARGE,
                                                    CoreCode.IMAGE_TOO_MANY_PIXELS])})
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("photo")
        if upload is None:
            raise serializers.ValidationError({"photo": ["choose a photo"]})
        return Response({"url": after_sale_photos_store(uploads=[upload], field="photo")[0]}, status=201)
