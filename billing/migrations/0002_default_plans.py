"""The platform's three plans at launch (operators edit them afterwards; `billing_sync_plans` pushes them to
Stripe), and a trial for every store that existed before billing did."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

PLANS = [
    # code, name, description, monthly fen, yearly fen, products, distributors, staff, orders/month, templates,
    # custom domain, simulator
    ("basic", "基础版", "起步开店：一个模板，够用的商品与分销员", 9900, 99000, 100, 50, 3, 1000,
     ["beauty", "fresh_produce"], False, False),
    ("pro", "专业版", "成长中的品牌：全部模板、自定义域名、佣金模拟器", 29900, 299000, 2000, 5000, 10, 20000,
     [], True, True),
    ("flagship", "旗舰版", "不设上限", 99900, 999000, None, None, None, None, [], True, True),
]


def seed(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for order, (code, name, description, monthly, yearly, products, distributors, staff, orders, templates,
                custom_domain, simulator) in enumerate(PLANS):
        Plan.objects.get_or_create(code=code, defaults={
            "name": name, "description": description, "currency": "cny", "monthly_price_minor": monthly,
            "yearly_price_minor": yearly, "trial_days": 14, "max_products": products,
            "max_distributors": distributors, "max_staff": staff, "max_orders_per_month": orders,
            "templates": templates, "custom_domain": custom_domain, "simulator": simulator, "sort_order": order})
    Tenant, Subscription = apps.get_model("tenancy", "Tenant"), apps.get_model("billing", "Subscription")
    trial_plan = Plan.objects.get(code=settings.BILLING_TRIAL_PLAN)
    for tenant in Tenant.objects.exclude(schema_name="public").filter(subscription__isnull=True):
        Subscription.objects.create(tenant=tenant, plan=trial_plan, status="trialing",
                                    trial_ends_at=timezone.now() + timedelta(days=trial_plan.trial_days))


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
