"""Browsing the catalog (no login needed)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from core.text import ascii_digits
from tenants.catalog.selectors import SORTS, category_tree, product_detail_for_shoppers, product_page_for_shoppers
from tenants.members.models import Member
from tenants.members.services import history_record

from .pagination import page_params

_INTEGERS = {"category_id": 1, "brand_id": 1, "min_price_fen": 0, "max_price_fen": 0}  # name -> minimum


def _criteria(params) -> dict:
    """The listing's filters from the query string; a bad value is a 400 naming the field."""
    criteria: dict[str, int | str] = {}
    errors: dict[str, list[str]] = {}
    for name, minimum in _INTEGERS.items():
        raw = params.get(name)
        if raw in (None, ""):
            continue
        if not ascii_digits(raw.lstrip("-")) or int(raw) < minimum or int(raw) > 10**12:
            errors[name] = [f"a whole number of at least {minimum}"]
        else:
            criteria[name] = int(raw)
    for name, limit in (("q", 50), ("tag", 20)):
        raw = params.get(name)
        if raw is not None:
            if len(raw) > limit:
                errors[name] = [f"at most {limit} characters"]
            else:
                criteria[name] = raw
    sort = params.get("sort") or "newest"
    if sort not in SORTS:
        errors["sort"] = [f"one of {', '.join(SORTS)}"]
    criteria["sort"] = sort
    if errors:
        raise serializers.ValidationError(errors)
    return criteria


class ProductCardOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    min_price_fen = serializers.IntegerField()
    sales_count = serializers.IntegerField()
    image = serializers.CharField(source="cover_image")


class ProductPageOutput(serializers.Serializer):
    page = serializers.IntegerField()
    next = serializers.IntegerField(allow_null=True, help_text="the next page's number, or null on the last")
    results = ProductCardOutput(many=True)


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

    @extend_schema(operation_id="catalog_products_list",
                   summary="Products on sale: search, filter, sort, a page at a time", parameters=[FilterSerializer],
                   responses=ProductPageOutput)
    def get(self, request: Request) -> HttpResponse:
        # The hottest endpoint: the filters are checked by hand, each statement is built once per process
        # (product_page_for_shoppers) and the body is written by DRF's JSON renderer without the response
        # machinery around it (DRF fields and that machinery cost more per request than the query itself);
        # the serializers above document the same contract.
        criteria = _criteria(request.query_params)
        page, size = page_params(request)
        # One query for page_size + 1 rows tells whether there is a next page, with no COUNT(*).
        rows = product_page_for_shoppers(offset=(page - 1) * size, limit=size + 1, **criteria)
        body = JSONRenderer().render({"page": page, "next": page + 1 if len(rows) > size else None, "results": [
            {"id": r[0], "title": r[1], "subtitle": r[2], "min_price_fen": r[3], "sales_count": r[4], "image": r[5]}
            for r in rows[:size]]})
        return HttpResponse(body, content_type="application/json")


class SkuOutput(serializers.Serializer):
    id = serializers.IntegerField()
    spec_values = serializers.DictField(child=serializers.CharField(), help_text="spec name -> value")
    price_fen = serializers.IntegerField()
    original_price_fen = serializers.IntegerField(allow_null=True)
    in_stock = serializers.SerializerMethodField()

    def get_in_stock(self, sku) -> bool:
        return sku.stock > 0


class ProductDetailApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()
        subtitle = serializers.CharField()
        description = serializers.CharField()
        specs = serializers.JSONField()
        min_price_fen = serializers.IntegerField()
        images = serializers.SerializerMethodField()
        skus = SkuOutput(many=True)

        def get_images(self, product) -> list[str]:
            return [image.image.url for image in product.images.all()]

    @extend_schema(summary="One product on sale with its SKUs (seen by a signed-in shopper, it joins their history)",
                   responses=OutputSerializer)
    def get(self, request: Request, product_id: int) -> Response:
        product = product_detail_for_shoppers(product_id=product_id)
        if product is None:
            raise NotFound("No such product.")
        if isinstance(request.user, Member):
            history_record(member=request.user, product_id=product.pk)
        return Response(self.OutputSerializer(product).data)


class CategoryTreeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class ChildOutput(serializers.Serializer):
            id = serializers.IntegerField()
            name = serializers.CharField()
            icon = serializers.CharField()

        id = serializers.IntegerField()
        name = serializers.CharField()
        icon = serializers.CharField()
        children = ChildOutput(many=True)

    @extend_schema(summary="The store's categories, two levels", responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(category_tree())
