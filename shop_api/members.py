"""Shopper login and profile."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.members.services import member_login_wechat

from .auth import IsMember


class MemberOutput(serializers.Serializer):
    # Never openid, unionid or session_key: they identify the shopper to WeChat, not to the client.
    id = serializers.IntegerField()
    nickname = serializers.CharField()
    avatar_url = serializers.CharField()
    phone_bound = serializers.SerializerMethodField()

    def get_phone_bound(self, member) -> bool:
        return bool(member.phone)


class WechatLoginApi(APIView):
    authentication_classes: list = []
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=128)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member, token, is_new = member_login_wechat(code=data.validated_data["code"])
        return Response({"token": token, "is_new": is_new, "member": MemberOutput(member).data},
                        status=201 if is_new else 200)


class MeApi(APIView):
    permission_classes = [IsMember]

    def get(self, request: Request) -> Response:
        return Response(MemberOutput(request.user).data)
