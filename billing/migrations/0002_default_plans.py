"""The platform's three plans at launch. Operators edit them afterwards; `billing_sync_plans` pushes them to Stripe."""

from django.db import migrations

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


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
