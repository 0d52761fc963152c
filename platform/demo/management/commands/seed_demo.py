"""Seed a demo platform: an operator and two demo stores with their owners. Idempotent."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import schema_context

from control_plane.operators.services import operator_create
from control_plane.storefront_templates.selectors import template_get_active
from control_plane.tenancy.models import Tenant
from control_plane.tenancy.services import tenant_provision
from tenants.catalog.services import SkuInput, product_create
from tenants.orders.models import ShippingTemplate
from tenants.staff.services import staff_create_owner
from tenants.storefront.services import storefront_apply_template

OPERATOR = ("operator", "demo-operator-2026")
OWNER_PASSWORD = "demo-owner-2026"
DEMO_STORES = [
    ("demo-beauty", "美丽日记旗舰店", "beauty"),
    ("demo-fresh", "鲜果园生鲜", "fresh_produce"),
]
DEMO_PRODUCTS = {
    "demo-beauty": [
        ("玻尿酸保湿面霜", "深层补水 敏感肌可用", ["护肤", "补水"],
         [({"规格": "50ml"}, 19900, 120), ({"规格": "100ml"}, 29900, 60)]),
        ("丝绒哑光口红", "显白不拔干", ["彩妆"],
         [({"色号": "正红"}, 12900, 80), ({"色号": "豆沙"}, 12900, 80), ({"色号": "枫叶"}, 12900, 5)]),
        ("氨基酸洁面乳", "温和清洁", ["清洁"], [({}, 5900, 200)]),
    ],
    "demo-fresh": [
        ("赣南脐橙 5斤装", "现摘现发 果园直供", ["水果", "产地直发"], [({"规格": "5斤"}, 3990, 300)]),
        ("有机菠菜", "当日采摘", ["蔬菜"], [({"规格": "500g"}, 890, 100), ({"规格": "1kg"}, 1590, 50)]),
    ],
}


class Command(BaseCommand):
    help = "Create the demo operator and demo stores if they do not exist."

    def handle(self, *args, **options):
        if not get_user_model().objects.filter(username=OPERATOR[0]).exists():
            operator_create(login=OPERATOR[0], password=OPERATOR[1])
            self.stdout.write(f"operator {OPERATOR[0]} created")
        for slug, name, template_code in DEMO_STORES:
            if Tenant.objects.filter(slug=slug).exists():
                continue
            owner = f"owner@{slug}.test"
            with transaction.atomic():
                tenant = tenant_provision(slug=slug, name=name, template_code=template_code, owner_login=owner)
                tenant.status = Tenant.Status.ACTIVE
                tenant.save(update_fields=["status", "updated_at"])
                with schema_context(tenant.schema_name):
                    storefront_apply_template(template=template_get_active(code=template_code))
                    staff_create_owner(login=owner, password=OWNER_PASSWORD)
                    ShippingTemplate.objects.create(name="全国包邮满99", mode=ShippingTemplate.Mode.FLAT,
                                                    flat_fee_fen=800, free_over_fen=9900, is_default=True)
                    for title, subtitle, tags, skus in DEMO_PRODUCTS[slug]:
                        product_create(title=title, subtitle=subtitle, tags=tags, publish=True, actor="demo",
                                       skus=[SkuInput(spec_values=spec, price_fen=price, stock=stock,
                                              weight_g=500) for spec, price, stock in skus])
            self.stdout.write(f"store {slug} created")
        self.stdout.write(self.style.SUCCESS("demo data ready"))
