"""The demo store's history is lived through the services: a catalog with pictures in the template's
categories, shoppers and a two-level team of distributors, orders paid through the WeChat Pay sandbox's
signed notifications, shipped, received, reviewed and refunded on a travelling clock; commissions frozen,
released and clawed back; withdrawals paid; the ledger reconciles, and a second run changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db.models import Min
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from demo.catalog import PRODUCTS, catalog_seed
from demo.history import history_exists, history_seed
from demo.promotions import promotions_seed
from tenants.catalog.models import Category, Product
from tenants.distribution.models import Application, Commission, Distributor, Withdrawal
from tenants.ledger.selectors import ledger_reconcile
from tenants.marketing.models import Coupon, FlashSale, TimedDiscount
from tenants.orders.models import AfterSale, Order, Review
from tenants.payments.models import Payment, Refund

THEME = {"primary": "#e8547a", "accent": "#f7b5c6"}


def test_a_season_lived_through_the_services(store_a, gateway):
    now = timezone.now()
    with schema_context(store_a.schema):
        assert catalog_seed(template_code="beauty", theme=THEME) == sum(len(p) for p in PRODUCTS["beauty"].values())
        assert catalog_seed(template_code="beauty", theme=THEME) == 0  # again: nothing more
        assert set(Category.objects.values_list("name", flat=True)) == set(PRODUCTS["beauty"])
        cream = Product.objects.get(title="玻尿酸保湿面霜")
        assert cream.status == "on_sale" and cream.images.count() == 2 and cream.cover_image
        with cream.images.first().image.open() as picture:
            assert Image.open(picture).size == (640, 640)

        assert promotions_seed() and not promotions_seed()  # the promotions running now, once
        assert (Coupon.objects.count(), TimedDiscount.objects.count(), FlashSale.objects.count()) == (3, 1, 2)

        done = history_seed(gateway=gateway, notify_url="http://alpha.localhost/api/v1/payments/wechatpay/notify/",
                            days=30, shoppers=40, distributors=10, orders_per_day=5, seed="test", now=now)
        assert history_exists()
        assert done["shoppers"] >= 36 and done["distributors"] == 10 and done["orders"] > 70
        statuses = Counter(Order.objects.values_list("status", flat=True))
        assert {"completed", "received", "shipped", "cancelled"} <= set(statuses)
        assert Payment.objects.filter(status="succeeded").count() == done["paid"]
        first = Order.objects.aggregate(first=Min("created_at"))["first"]
        assert now - timedelta(days=31) < first < now - timedelta(days=20)  # the clock travelled
        assert Application.objects.filter(status="pending").count() == 2  # the merchant's queue has work
        tree = Counter(d.parent_id is None for d in Distributor.objects.all())
        assert tree[True] >= 2 and tree[False] >= 2  # two levels
        commissions = Counter(Commission.objects.values_list("status", flat=True))
        assert commissions["available"] and commissions["frozen"]
        assert done["refunds"] and Refund.objects.filter(status="succeeded").count() == done["refunds"]
        assert AfterSale.objects.filter(status="refunded").count() == done["refunds"]
        assert Review.objects.count() == done["reviews"] > 0
        assert Withdrawal.objects.filter(status="paid").exists()
        assert ledger_reconcile().ok
