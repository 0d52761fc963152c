"""Shopper login and profile."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.client_ip import client_ip
from tenants.members.error_codes import MembersCode
from tenants.members.phone_login import login_code_send, member_login_phone
from tenants.members.services import (
    AddressInput,
    address_create,
    address_delete,
    address_update,
    favourite_set,
    member_bind_phone,
    member_login_wechat,
    member_update_profile,
)

from .auth import IsMember, shopper
from .schema import refusals
from .throttling import AnonThrottle, LoginThrottle


class MemberOutput(serializers.Serializer):
    # Never openid, unionid or session_key: they identify the shopper to WeChat, not to the client.
    id = serializers.IntegerField()
    nickname = serializers.CharField()
    avatar_url = serializers.CharField()
    phone_bound = serializers.SerializerMethodField()

    def get_phone_bound(self, member) -> bool:
        return bool(member.phone)


class LoginOutput(serializers.Serializer):
    token = serializers.CharField(help_text="send as ``Authorization: Bearer <token>``; good for this store only")
    is_new = serializers.BooleanField()
    member = MemberOutput()


class SmsSentOutput(serializers.Serializer):
    sent = serializers.BooleanField()
    retry_after_s = serializers.IntegerField(help_text="seconds before another code may be asked for")


_WECHAT_REFUSALS = [MembersCode.WECHAT_REFUSED, MembersCode.WECHAT_UNREACHABLE, MembersCode.MINIPROGRAM_NOT_CONFIGURED]


class WechatLoginApi(APIView):
    authentication_classes: list = []
    throttle_classes = [AnonThrottle, LoginThrottle]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=128)

    @extend_schema(summary="Log in from the mini-program with wx.login's code", request=InputSerializer,
                   responses={201: LoginOutput, 200: LoginOutput, **refusals(http_400=[MembersCode.INVALID_CODE],
                                                                              http_409=_WECHAT_REFUSALS)},
                   auth=[])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member, token, is_new = member_login_wechat(code=data.validated_data["code"])
        return Response({"token": token, "is_new": is_new, "member": MemberOutput(member).data},
                        status=201 if is_new else 200)


class SmsCodeApi(APIView):
    """Text a login code to a mainland phone number (limited per phone and per client IP)."""

    authentication_classes: list = []
    throttle_classes = [AnonThrottle, LoginThrottle]

    class InputSerializer(serializers.Serializer):
        phone = serializers.CharField(max_length=11)

    @extend_schema(summary="Text a login code", request=InputSerializer, auth=[], responses={
        202: SmsSentOutput, **refusals(http_400=[MembersCode.SMS_TOO_SOON], http_429=[MembersCode.SMS_TOO_MANY],
                                       http_409=[MembersCode.SMS_UNAVAILABLE])})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wait_s = login_code_send(phone=data.validated_data["phone"], client_ip=client_ip(request))
        return Response({"sent": True, "retry_after_s": wait_s}, status=202)


class SmsLoginApi(APIView):
    """Log in with the phone number and the code texted to it: the store's member with that number, or a new one."""

    authentication_classes: list = []
    throttle_classes = [AnonThrottle, LoginThrottle]

    class InputSerializer(serializers.Serializer):
        phone = serializers.CharField(max_length=11)
        code = serializers.CharField(max_length=6)

    @extend_schema(summary="Log in with a texted code", request=InputSerializer, auth=[], responses={
        201: LoginOutput, 200: LoginOutput, **refusals(http_400=[MembersCode.SMS_CODE_WRONG,
                                                                 MembersCode.SMS_CODE_EXPIRED])})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member, token, is_new = member_login_phone(**data.validated_data)
        return Response({"token": token, "is_new": is_new, "member": MemberOutput(member).data},
                        status=201 if is_new else 200)


class MeApi(APIView):
    permission_classes = [IsMember]

    class InputSerializer(serializers.Serializer):
        nickname = serializers.CharField(required=False, allow_blank=True, max_length=100)
        avatar_url = serializers.CharField(required=False, allow_blank=True, max_length=300)

    @extend_schema(summary="The signed-in shopper", responses=MemberOutput)
    def get(self, request: Request) -> Response:
        return Response(MemberOutput(shopper(request)).data)

    @extend_schema(summary="Change the nickname or avatar", request=InputSerializer, responses=MemberOutput)
    def patch(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(MemberOutput(member_update_profile(member=shopper(request), **data.validated_data)).data)


class PhoneBindApi(APIView):
    permission_classes = [IsMember]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=128)

    @extend_schema(summary="Bind the phone number WeChat gives for getPhoneNumber's code", request=InputSerializer,
                   responses={200: MemberOutput, **refusals(http_400=[MembersCode.INVALID_CODE],
                                                            http_409=_WECHAT_REFUSALS)})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(MemberOutput(member_bind_phone(member=shopper(request), code=data.validated_data["code"])).data)


class ProductRefOutput(serializers.Serializer):
    product_id = serializers.IntegerField()
    title = serializers.CharField(source="product.title")
    min_price_fen = serializers.IntegerField(source="product.min_price_fen")


class FavouriteListApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="Favourite products", responses=ProductRefOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(ProductRefOutput(shopper(request).favourites.select_related("product"), many=True).data)


class FavouriteApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="Favourite a product", request=None, responses={204: None})
    def put(self, request: Request, product_id: int) -> Response:
        favourite_set(member=shopper(request), product_id=product_id, on=True)
        return Response(status=204)

    @extend_schema(summary="Unfavourite a product", responses={204: None})
    def delete(self, request: Request, product_id: int) -> Response:
        favourite_set(member=shopper(request), product_id=product_id, on=False)
        return Response(status=204)


class HistoryApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="Products seen lately, newest first (at most 100)", responses=ProductRefOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(ProductRefOutput(shopper(request).history.select_related("product")[:100], many=True).data)


class AddressSerializer(serializers.Serializer):
    # Blanks pass the serializer so that the service reports every problem of the form at once.
    id = serializers.IntegerField(read_only=True)
    recipient = serializers.CharField(max_length=30, allow_blank=True)
    phone = serializers.CharField(max_length=20, allow_blank=True)
    region_code = serializers.CharField(max_length=6, allow_blank=True)
    # Named from the region code (GB/T 2260): what a client sends for them is not used.
    province = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    district = serializers.CharField(read_only=True)
    detail = serializers.CharField(max_length=200, allow_blank=True)
    is_default = serializers.BooleanField(required=False, default=False)


class AddressListCreateApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="The address book", responses=AddressSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(AddressSerializer(shopper(request).addresses.all(), many=True).data)

    @extend_schema(summary="Add an address (province, city and district are named from region_code)",
                   request=AddressSerializer, responses={201: AddressSerializer})
    def post(self, request: Request) -> Response:
        data = AddressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        address = address_create(member=shopper(request), values=AddressInput(**data.validated_data))
        return Response(AddressSerializer(address).data, status=201)


class AddressApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="Change an address", request=AddressSerializer, responses=AddressSerializer)
    def put(self, request: Request, address_id: int) -> Response:
        data = AddressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        address = address_update(member=shopper(request), address_id=address_id,
                                 values=AddressInput(**data.validated_data))
        return Response(AddressSerializer(address).data)

    @extend_schema(summary="Delete an address", responses={204: None})
    def delete(self, request: Request, address_id: int) -> Response:
        address_delete(member=shopper(request), address_id=address_id)
        return Response(status=204)
