"""Cart, checkout and the shopper's orders. Every endpoint needs a member token of this store."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.client_ip import client_ip
from core.errors import CoreCode, NotFound
from tenants.catalog.error_codes import CatalogCode
from tenants.loyalty.error_codes import LoyaltyCode
from tenants.marketing.error_codes import MarketingCode
from tenants.orders.error_codes import OrdersCode
from tenants.orders.filters import MemberOrderFilter
from tenants.orders.models import Order
from tenants.orders.selectors import cart_items_for, orders_for_member
from tenants.orders.services import (
    cart_add,
    cart_remove,
    cart_update,
    checkout_preview,
    order_cancel,
    order_confirm_receipt,
    order_create,
)

from .auth import IsMember, shopper
from .pagination import paginate
from .schema import IDEMPOTENCY_KEY, paginated, refusals


class ItemSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=999)


class LineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    sku_id = serializers.IntegerField()
    title = serializers.CharField()
    spec_text = serializers.CharField()
    unit_price_fen = serializers.IntegerField()
    quantity = serializers.IntegerField()
    discount_fen = serializers.IntegerField()
    paid_fen = serializers.IntegerField()


class TrackingEventOutput(serializers.Serializer):
    status = serializers.CharField()
    description = serializers.CharField()
    location = serializers.CharField()
    occurred_at = serializers.DateTimeField()


class ShipmentOutput(serializers.Serializer):
    carrier_code = serializers.CharField()
    tracking_no = serializers.CharField()
    status = serializers.CharField()
    shipped_at = serializers.DateTimeField()
    events = TrackingEventOutput(many=True)


class OrderOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    goods_fen = serializers.IntegerField()
    discount_fen = serializers.IntegerField()
    shipping_fen = serializers.IntegerField()
    payable_fen = serializers.IntegerField()
    paid_fen = serializers.IntegerField()
    refunded_fen = serializers.IntegerField()
    address = serializers.JSONField()
    created_at = serializers.DateTimeField()
    pay_deadline_at = serializers.DateTimeField()
    lines = LineOutput(many=True)


class OrderDetailOutput(OrderOutput):
    shipments = ShipmentOutput(many=True)


class MemberApi(APIView):
    permission_classes = [IsMember]


def _my_order(request: Request, number: str) -> Order:
    order = Order.objects.filter(member=shopper(request), number=number).first()
    if order is None:  # another shopper's or another store's order is simply not there
        raise NotFound("No such order.")
    return order


class CartApi(MemberApi):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        sku_id = serializers.IntegerField()
        title = serializers.CharField(source="sku.product.title")
        price_fen = serializers.IntegerField(source="sku.price_fen")
        quantity = serializers.IntegerField()
        selected = serializers.BooleanField()

    @extend_schema(summary="The shopper's cart", responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(cart_items_for(member=shopper(request)), many=True).data)

    @extend_schema(summary="Put a SKU in the cart (adds to the quantity already there)", request=ItemSerializer,
                   responses={201: OutputSerializer, **refusals(http_409=[OrdersCode.NOT_SELLABLE,
                                                                          CatalogCode.INSUFFICIENT_STOCK])})
    def post(self, request: Request) -> Response:
        data = ItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = cart_add(member=shopper(request), **data.validated_data)
        return Response(self.OutputSerializer(cart_items_for(member=shopper(request)).get(pk=item.pk)).data, status=201)


class CartItemApi(MemberApi):
    class InputSerializer(serializers.Serializer):
        quantity = serializers.IntegerField(required=False, min_value=1, max_value=999)
        selected = serializers.BooleanField(required=False)

    @extend_schema(summary="Change a cart row's quantity or selection", request=InputSerializer,
                   responses={200: CartApi.OutputSerializer, **refusals(http_409=[CatalogCode.INSUFFICIENT_STOCK])})
    def patch(self, request: Request, item_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart_update(member=shopper(request), item_id=item_id, **data.validated_data)
        return Response(CartApi.OutputSerializer(cart_items_for(member=shopper(request)).get(pk=item_id)).data)

    @extend_schema(summary="Remove a cart row", responses={204: None})
    def delete(self, request: Request, item_id: int) -> Response:
        cart_remove(member=shopper(request), item_ids=[item_id])
        return Response(status=204)


class CheckoutInput(serializers.Serializer):
    address_id = serializers.IntegerField(min_value=1)
    items = ItemSerializer(many=True, required=False, min_length=1)  # type: ignore[call-arg]  # for the list; stubs lag
    coupon_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, max_length=4,
        help_text="the member's coupons (GET /me/coupons/ ids) to use; left out, the best ones are used; [] for none")
    points = serializers.IntegerField(required=False, min_value=0, max_value=10**9, default=0,
                                      help_text="how many of the member's points to pay with (at most the offer's "
                                                "max_points); 0 or left out: none")


class CheckoutPreviewApi(MemberApi):
    class OutputSerializer(serializers.Serializer):
        class AdjustmentOutput(serializers.Serializer):
            label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
            amount_fen = serializers.IntegerField()
            line = serializers.IntegerField(allow_null=True, help_text="the line's index, or null for the order")

        class LineOutput(serializers.Serializer):
            sku_id = serializers.IntegerField()
            title = serializers.CharField()
            unit_price_fen = serializers.IntegerField()
            quantity = serializers.IntegerField()
            discount_fen = serializers.IntegerField()
            paid_fen = serializers.IntegerField()

        class CouponOfferOutput(serializers.Serializer):
            id = serializers.IntegerField(help_text="the member coupon's id, for coupon_ids")
            name = serializers.CharField()
            summary = serializers.CharField()
            kind = serializers.CharField()
            discount_fen = serializers.IntegerField(help_text="what it would take off this cart")
            usable = serializers.BooleanField()
            reason = serializers.CharField(help_text="why it cannot be used, when it cannot")
            valid_until = serializers.DateTimeField()

        class PointsOfferOutput(serializers.Serializer):
            balance = serializers.IntegerField(help_text="the member's points")
            max_points = serializers.IntegerField(help_text="the most this order can be paid with (0: none)")
            max_fen = serializers.IntegerField(help_text="what max_points take off")
            fen_per_point = serializers.IntegerField()
            min_points = serializers.IntegerField(help_text="fewer points than this cannot be used")

        class PromotionsOutput(serializers.Serializer):
            class PointsUsedOutput(serializers.Serializer):
                points = serializers.IntegerField()
                fen = serializers.IntegerField()

            coupons = serializers.ListField(child=serializers.IntegerField(), required=False,
                                            help_text="the member coupons applied")
            points = PointsUsedOutput(required=False, help_text="the points applied")

        goods_fen = serializers.IntegerField()
        discount_fen = serializers.IntegerField()
        shipping_fen = serializers.IntegerField()
        payable_fen = serializers.IntegerField()
        adjustments = AdjustmentOutput(many=True)
        promotions = PromotionsOutput()
        lines = LineOutput(many=True)
        coupons = CouponOfferOutput(many=True, help_text="every coupon the member holds, usable ones first")
        points = PointsOfferOutput(allow_null=True, help_text="what the member's points can pay (null: the store "
                                                              "has no points)")

    @extend_schema(summary="Price an order before placing it (the total placing it will charge)",
                   description="Without ``items``, the cart's selected rows.", request=CheckoutInput,
                   responses={200: OutputSerializer, **refusals(
                       http_400=[MarketingCode.COUPON_NOT_USABLE, MarketingCode.COUPONS_DO_NOT_STACK,
                                 LoyaltyCode.POINTS_OVER_LIMIT, LoyaltyCode.POINTS_OFF],
                       http_409=[OrdersCode.NOT_SELLABLE, OrdersCode.UNREACHABLE_REGION,
                                 CatalogCode.INSUFFICIENT_STOCK])})
    def post(self, request: Request) -> Response:
        data = CheckoutInput(data=request.data)
        data.is_valid(raise_exception=True)
        ctx = checkout_preview(member=shopper(request), address_id=data.validated_data["address_id"],
                               items=data.validated_data.get("items"),
                               coupon_ids=data.validated_data.get("coupon_ids"), points=data.validated_data["points"])
        lines = [{"sku_id": line.sku_id, "title": line.title, "unit_price_fen": line.unit_price_fen,
                  "quantity": line.quantity, "discount_fen": line.discount_fen, "paid_fen": line.paid_fen}
                 for line in ctx.lines]
        return Response({**ctx.breakdown(), "lines": lines, "coupons": ctx.offers.get("coupons", []),
                         "points": ctx.offers.get("points")})


class OrderListCreateApi(MemberApi):
    class CreateInput(CheckoutInput):
        remark = serializers.CharField(required=False, allow_blank=True, max_length=200)
        device_id = serializers.CharField(required=False, allow_blank=True, max_length=64)

    @extend_schema(operation_id="orders_list", summary="The shopper's orders, newest first",
                   responses=paginated(OrderOutput), parameters=[
        OpenApiParameter("status", str, description="only orders in this status"),
        OpenApiParameter("page", int), OpenApiParameter("page_size", int)])
    def get(self, request: Request) -> Response:
        orders = MemberOrderFilter(request.query_params, queryset=orders_for_member(member=shopper(request)))
        if not orders.is_valid():
            raise serializers.ValidationError(orders.errors)
        return paginate(self, orders.qs, OrderOutput)

    @extend_schema(summary="Place an order: priced as the preview, stock reserved, the bought cart rows emptied",
                   request=CreateInput, parameters=[IDEMPOTENCY_KEY],
                   responses={201: OrderOutput, 200: OrderOutput, **refusals(
                       http_400=[MarketingCode.COUPON_NOT_USABLE, MarketingCode.COUPONS_DO_NOT_STACK,
                                 LoyaltyCode.POINTS_OVER_LIMIT, LoyaltyCode.POINTS_OFF],
                       http_409=[OrdersCode.IDEMPOTENCY_KEY_REUSED, OrdersCode.NOT_SELLABLE,
                                 MarketingCode.COUPON_NOT_USABLE, OrdersCode.UNREACHABLE_REGION,
                                 CatalogCode.INSUFFICIENT_STOCK, LoyaltyCode.POINTS_NOT_ENOUGH],
                       http_403=[CoreCode.PLAN_LIMIT_REACHED])})
    def post(self, request: Request) -> Response:
        data = self.CreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        order, created = order_create(
            member=shopper(request), idempotency_key=request.headers.get("Idempotency-Key", ""),
            address_id=data.validated_data["address_id"], items=data.validated_data.get("items"),
            remark=data.validated_data.get("remark", ""), device_id=data.validated_data.get("device_id", ""),
            client_ip=client_ip(request), coupon_ids=data.validated_data.get("coupon_ids"),
            points=data.validated_data["points"],
        )
        return Response(OrderOutput(order).data, status=201 if created else 200)


class OrderDetailApi(MemberApi):
    @extend_schema(summary="One order, with its shipments and their tracking", responses=OrderDetailOutput)
    def get(self, request: Request, number: str) -> Response:
        return Response(OrderDetailOutput(_my_order(request, number)).data)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class OrderCancelApi(MemberApi):
    @extend_schema(summary="Cancel an unpaid order (its stock is released)", request=CancelInput,
                   responses={200: OrderOutput, **refusals(http_409=[CoreCode.ILLEGAL_TRANSITION])})
    def post(self, request: Request, number: str) -> Response:
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_cancel(order=_my_order(request, number), reason=data.validated_data.get("reason", ""),
                             actor=f"member:{shopper(request).pk}")
        return Response(OrderOutput(order).data)


class OrderReceiptApi(MemberApi):
    @extend_schema(summary="Confirm a shipped order received", request=None,
                   responses={200: OrderOutput, **refusals(http_409=[CoreCode.ILLEGAL_TRANSITION])})
    def post(self, request: Request, number: str) -> Response:
        order = order_confirm_receipt(order=_my_order(request, number), actor=f"member:{shopper(request).pk}")
        return Response(OrderOutput(order).data)
