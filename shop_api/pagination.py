from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def paginate(view, queryset, serializer_class):
    paginator = Pages()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def page_params(request, *, page_size: int = 20, max_page_size: int = 100) -> tuple[int, int]:
    """``page`` and ``page_size`` from the query string, clamped; a non-number is a 400."""
    try:
        page = max(int(request.query_params.get("page", 1)), 1)
        size = min(max(int(request.query_params.get("page_size", page_size)), 1), max_page_size)
    except ValueError:
        raise serializers.ValidationError({"page": ["must be a positive integer"]}) from None
    return page, size
