"""Seed a demo platform: an operator and two demo stores with their owners and catalogs (demo.catalog).
Idempotent. Their history is ``seed_demo_history``'s."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import schema_context

from control_plane.operators.services import operator_create
from control_plane.storefront_templates.selectors import template_get_active
from control_plane.tenancy.models import Tenant
from control_plane.tenancy.services import tenant_provision
from demo.catalog import catalog_seed
from tenants.orders.models import ShippingTemplate
from tenants.staff.services import staff_create_owner
from tenants.storefront.services import storefront_apply_template

OPERATOR = ("operator", "demo-operator-2026")
OWNER_PASSWORD = "demo-owner-2026"
DEMO_STORES = [
    ("demo-beauty", "美丽日记旗舰店", "beauty"),
    ("demo-fresh", "鲜果园生鲜", "fresh_produce"),
]


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
            self.stdout.write(f"store {slug} created")
        for slug, _name, template_code in DEMO_STORES:
            tenant = Tenant.objects.get(slug=slug)
            with schema_context(tenant.schema_name), transaction.atomic():
                made = catalog_seed(template_code=template_code, theme=template_get_active(code=template_code).theme)
            if made:
                self.stdout.write(f"store {slug}: {made} products with pictures")
        self.stdout.write(self.style.SUCCESS("demo data ready"))
