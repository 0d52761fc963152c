"""Order filters (django-filter): the console's order list and the shopper's own orders. Bad values are
field errors (``.errors``), never silently ignored."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Order

PAID = [Order.Status.PAID, Order.Status.SHIPPED, Order.Status.RECEIVED, Order.Status.COMPLETED,
        Order.Status.CLOSED]


class MemberOrderFilter(django_filters.FilterSet):
    """What a shopper may filter their own orders by."""

    status = django_filters.ChoiceFilter(choices=Order.Status.choices)

    class Meta:
        model = Order
        fields = ["status"]


class MerchantOrderFilter(django_filters.FilterSet):
    """The console's order list: search, state, placed between two dates, payment, distributor."""

    PAYMENT = [("paid", _("已支付")), ("unpaid", _("未支付")), ("refunded", _("有退款"))]

    q = django_filters.CharFilter(method="search", max_length=40)
    status = django_filters.ChoiceFilter(choices=Order.Status.choices)
    placed_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    placed_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")
    payment = django_filters.ChoiceFilter(choices=PAYMENT, method="by_payment")
    distributor = django_filters.NumberFilter(field_name="distributor_id")

    class Meta:
        model = Order
        fields = ["q", "status", "placed_from", "placed_to", "payment", "distributor"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__startswith=value) | Q(address__phone=value)) if value else queryset

    def by_payment(self, queryset, name, value):
        if value == "paid":
            return queryset.filter(status__in=PAID)
        if value == "unpaid":
            return queryset.filter(status=Order.Status.PENDING_PAYMENT)
        return queryset.filter(refunded_fen__gt=0)
