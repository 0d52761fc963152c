from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class Pages(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def paginate(view, queryset, serializer_class):
    paginator = Pages()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def paginate_without_count(view, queryset, serializer_class, *, page_size: int = 20, max_page_size: int = 100):
    """Pages for infinite scrolling: one query for page_size + 1 rows tells whether there is a next page,
    with no COUNT(*) over the whole listing."""
    request = view.request
    try:
        page = max(int(request.query_params.get("page", 1)), 1)
        size = min(max(int(request.query_params.get("page_size", page_size)), 1), max_page_size)
    except ValueError:
        raise serializers.ValidationError({"page": ["must be a positive integer"]}) from None
    rows = list(queryset[(page - 1) * size:page * size + 1])
    return Response({"page": page, "next": page + 1 if len(rows) > size else None,
                     "results": serializer_class(rows[:size], many=True).data})
