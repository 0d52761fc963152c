"""Dashboard figures of one store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from tenants.catalog.models import Product
from tenants.catalog.selectors import low_stock_alerts
from tenants.distribution.models import Distributor, Withdrawal
from tenants.ledger.models import Account
from tenants.members.models import Member
from tenants.orders.models import AfterSale, Order
from tenants.payments.selectors import payment_issues_open

PAID = [Order.Status.PAID, Order.Status.SHIPPED, Order.Status.RECEIVED, Order.Status.COMPLETED, Order.Status.CLOSED]


@dataclass(frozen=True)
class Period:
    sales_fen: int
    orders: int
    new_members: int
    new_distributors: int


def _period(start: datetime) -> Period:
    sales = Order.objects.filter(status__in=PAID, paid_at__gte=start).aggregate(
        sales=Sum(F("paid_fen") - F("refunded_fen")), orders=Count("pk"))
    return Period(sales_fen=int(sales["sales"] or 0), orders=sales["orders"],
                  new_members=Member.objects.filter(created_at__gte=start).count(),
                  new_distributors=Distributor.objects.filter(created_at__gte=start).count())


def dashboard(*, now: datetime | None = None) -> dict:
    now = timezone.localtime(now or timezone.now())
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = (today - timedelta(days=29))
    by_day = dict(Order.objects.filter(status__in=PAID, paid_at__gte=start).annotate(day=TruncDate("paid_at"))
                  .values("day").annotate(total=Sum(F("paid_fen") - F("refunded_fen"))).values_list("day", "total"))
    payable = Account.objects.filter(kind__in=[Account.Kind.DISTRIBUTOR_FROZEN, Account.Kind.DISTRIBUTOR_AVAILABLE,
                                               Account.Kind.DISTRIBUTOR_WITHDRAWING]).aggregate(s=Sum("balance_fen"))
    return {
        "today": _period(today),
        "month": _period(today.replace(day=1)),
        "commission_payable_fen": int(payable["s"] or 0),
        "sales_by_day": [{"date": (start + timedelta(days=i)).date().isoformat(),
                          "sales_fen": int(by_day.get((start + timedelta(days=i)).date(), 0) or 0)} for i in range(30)],
        "alerts": {
            "low_stock": low_stock_alerts().count(),
            "pending_review": Product.objects.filter(status=Product.Status.PENDING_REVIEW).count(),
            "after_sales": AfterSale.objects.filter(status=AfterSale.Status.REQUESTED).count(),
            "to_ship": Order.objects.filter(status=Order.Status.PAID).count(),
            "withdrawals": Withdrawal.objects.filter(status=Withdrawal.Status.REQUESTED).count(),
            "payment_issues": payment_issues_open().count(),
            "payout_problems": Withdrawal.objects.exclude(payout_problem="").filter(
                status__in=[Withdrawal.Status.APPROVED, Withdrawal.Status.PAYING]).count(),
        },
    }
