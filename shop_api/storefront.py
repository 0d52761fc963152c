"""The store's home-page layout for the mini-program and H5 clients."""

from __future__ import annotations

from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from control_plane.tenancy.requests import StoreRequest
from core.errors import NotFound
from tenants.storefront.selectors import storefront_layout_get


class StorefrontLayoutApi(APIView):
    class OutputSerializer(serializers.Serializer):
        store_name = serializers.CharField()
        template_code = serializers.CharField()
        template_version = serializers.IntegerField()
        revision = serializers.IntegerField()
        theme = serializers.JSONField()
        layout = serializers.JSONField()

    @extend_schema(summary="The store's home-page layout (its template's blocks as the merchant arranged them)",
                   responses=OutputSerializer, auth=[])
    def get(self, request: Request) -> Response:
        layout = storefront_layout_get()
        if layout is None:
            raise NotFound("This store has no storefront layout yet.")
        data = {
            "store_name": cast(StoreRequest, request).tenant.name,
            "template_code": layout.template_code,
            "template_version": layout.template_version,
            "revision": layout.revision,
            "theme": layout.theme,
            "layout": layout.layout,
        }
        return Response(self.OutputSerializer(data).data)
