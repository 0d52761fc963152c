from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from core.text import ascii_digits


class Pages(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def paginate(view, queryset, serializer_class):
    paginator = Pages()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


MAX_PAGE = 10_000


def query_int(request, name: str, *, default: int, low: int, high: int) -> int:
    """A whole number from the query string, from ``low`` to ``high``; anything else ("abc", "1e3", "²",
    a number past the range) is a 400 naming the parameter."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    if not ascii_digits(raw) or len(raw) > 12 or not low <= int(raw) <= high:
        raise serializers.ValidationError({name: [f"a whole number from {low} to {high}"]})
    return int(raw)


def page_params(request, *, page_size: int = 20, max_page_size: int = 100) -> tuple[int, int]:
    """``page`` (1 to MAX_PAGE) and ``page_size`` (a larger one is clamped to ``max_page_size``)."""
    size = query_int(request, "page_size", default=page_size, low=1, high=10**12)
    return query_int(request, "page", default=1, low=1, high=MAX_PAGE), min(size, max_page_size)
