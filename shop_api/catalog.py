"""Browsing the catalog (no login needed)."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from tenants.catalog.selectors import SORTS, category_tree, product_detail_for_shoppers, product_list_for_shoppers
from tenants.members.models import Member
from tenants.members.services import history_record

from .pagination import paginate_without_count


class ProductListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=50)
        category_id = serializers.IntegerField(required=False, min_value=1)
        brand_id = serializers.IntegerField(required=False, min_value=1)
        tag = serializers.CharField(required=False, max_length=20)
        min_price_fen = serializers.IntegerField(required=False, min_value=0)
        max_price_fen = serializers.IntegerField(required=False, min_value=0)
        sort = serializers.ChoiceField(choices=list(SORTS), required=False, default="newest")
        page = serializers.IntegerField(required=False, min_value=1)
        page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()
        subtitle = serializers.CharField()
        min_price_fen = serializers.IntegerField()
        sales_count = serializers.IntegerField()
        image = serializers.CharField(source="cover_image")

    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        criteria = {k: v for k, v in filters.validated_data.items() if k not in {"page", "page_size"}}
        return paginate_without_count(self, product_list_for_shoppers(**criteria), self.OutputSerializer)


class ProductDetailApi(APIView):
    class SkuSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        spec_values = serializers.JSONField()
        price_fen = serializers.IntegerField()
        original_price_fen = serializers.IntegerField(allow_null=True)
        in_stock = serializers.SerializerMethodField()

        def get_in_stock(self, sku) -> bool:
            return sku.stock > 0

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()
        subtitle = serializers.CharField()
        description = serializers.CharField()
        specs = serializers.JSONField()
        min_price_fen = serializers.IntegerField()
        images = serializers.SerializerMethodField()
        skus = serializers.SerializerMethodField()

        def get_images(self, product) -> list[str]:
            return [image.image.url for image in product.images.all()]

        def get_skus(self, product) -> list[dict]:
            return ProductDetailApi.SkuSerializer(product.skus.all(), many=True).data

    def get(self, request: Request, product_id: int) -> Response:
        product = product_detail_for_shoppers(product_id=product_id)
        if product is None:
            raise NotFound("No such product.")
        if isinstance(request.user, Member):
            history_record(member=request.user, product_id=product.pk)
        return Response(self.OutputSerializer(product).data)


class CategoryTreeApi(APIView):
    def get(self, request: Request) -> Response:
        return Response(category_tree())
