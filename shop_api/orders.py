"""Cart, checkout and the shopper's orders. Every endpoint needs a member token of this store."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.client_ip import client_ip
from core.errors import NotFound
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

    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(cart_items_for(member=shopper(request)), many=True).data)

    def post(self, request: Request) -> Response:
        data = ItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = cart_add(member=shopper(request), **data.validated_data)
        return Response(self.OutputSerializer(cart_items_for(member=shopper(request)).get(pk=item.pk)).data, status=201)


class CartItemApi(MemberApi):
    class InputSerializer(serializers.Serializer):
        quantity = serializers.IntegerField(required=False, min_value=1, max_value=999)
        selected = serializers.BooleanField(required=False)

    def patch(self, request: Request, item_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart_update(member=shopper(request), item_id=item_id, **data.validated_data)
        return Response(CartApi.OutputSerializer(cart_items_for(member=shopper(request)).get(pk=item_id)).data)

    def delete(self, request: Request, item_id: int) -> Response:
        cart_remove(member=shopper(request), item_ids=[item_id])
        return Response(status=204)


class CheckoutInput(serializers.Serializer):
    address_id = serializers.IntegerField(min_value=1)
    items = ItemSerializer(many=True, required=False, min_length=1)  # type: ignore[call-arg]  # for the list; stubs lag


class CheckoutPreviewApi(MemberApi):
    def post(self, request: Request) -> Response:
        data = CheckoutInput(data=request.data)
        data.is_valid(raise_exception=True)
        ctx = checkout_preview(member=shopper(request), address_id=data.validated_data["address_id"],
                               items=data.validated_data.get("items"))
        lines = [{"sku_id": line.sku_id, "title": line.title, "unit_price_fen": line.unit_price_fen,
                  "quantity": line.quantity, "discount_fen": line.discount_fen, "paid_fen": line.paid_fen}
                 for line in ctx.lines]
        return Response({**ctx.breakdown(), "lines": lines})


class OrderListCreateApi(MemberApi):
    class CreateInput(CheckoutInput):
        remark = serializers.CharField(required=False, allow_blank=True, max_length=200)
        device_id = serializers.CharField(required=False, allow_blank=True, max_length=64)

    def get(self, request: Request) -> Response:
        orders = MemberOrderFilter(request.query_params, queryset=orders_for_member(member=shopper(request)))
        if not orders.is_valid():
            raise serializers.ValidationError(orders.errors)
        return paginate(self, orders.qs, OrderOutput)

    def post(self, request: Request) -> Response:
        data = self.CreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        order, created = order_create(
            member=shopper(request), idempotency_key=request.headers.get("Idempotency-Key", ""),
            address_id=data.validated_data["address_id"], items=data.validated_data.get("items"),
            remark=data.validated_data.get("remark", ""), device_id=data.validated_data.get("device_id", ""),
            client_ip=client_ip(request),
        )
        return Response(OrderOutput(order).data, status=201 if created else 200)


class OrderDetailApi(MemberApi):
    def get(self, request: Request, number: str) -> Response:
        return Response(OrderDetailOutput(_my_order(request, number)).data)


class OrderCancelApi(MemberApi):
    def post(self, request: Request, number: str) -> Response:
        order = order_cancel(order=_my_order(request, number), reason=str(request.data.get("reason", ""))[:200],
                             actor=f"member:{shopper(request).pk}")
        return Response(OrderOutput(order).data)


class OrderReceiptApi(MemberApi):
    def post(self, request: Request, number: str) -> Response:
        order = order_confirm_receipt(order=_my_order(request, number), actor=f"member:{shopper(request).pk}")
        return Response(OrderOutput(order).data)
