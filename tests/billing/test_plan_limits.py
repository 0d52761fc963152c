"""What the plan allows, enforced where things are created in the tenant plane through billing.limits (a
frozen dataclass, no billing model in a tenant app): products, distributors, staff seats, orders this month,
templates, custom domains, the simulator; and a downgrade the store has outgrown, refused by name."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from billing.limits import PlanLimits, plan_limits_for
from billing.models import Plan, Subscription
from billing.services import checkout_start, plan_change
from control_plane.tenancy.services import tenant_add_custom_domain, tenant_switch_template
from core.errors import PlanLimitReached
from tenants.catalog.models import Product
from tenants.catalog.services import SkuInput, product_create
from tenants.distribution.models import DistributionSettings, RuleSet
from tenants.distribution.selectors import distributor_count
from tenants.distribution.simulator import simulate
from tenants.members.tokens import member_token_issue
from tenants.orders.models import ShippingTemplate
from tenants.orders.services import order_create
from tenants.staff.services import staff_create
from tests.billing.conftest import deliver_new, subscription_of
from tests.conftest import PASSWORD
from tests.factories import AddressFactory, MemberFactory, ProductFactory, SkuFactory
from tests.tenants.distribution.builders import make_distributor

SKU = [SkuInput(price_fen=1000, stock=5)]


def put_on(store, code: str, **limits) -> Plan:
    with schema_context("public"):
        if limits:
            Plan.objects.filter(code=code).update(**limits)
        plan = Plan.objects.get(code=code)
        Subscription.objects.filter(tenant_id=store.tenant.pk).update(plan=plan)
        return plan


def test_limits_come_as_a_frozen_dataclass(store_a):
    limits = plan_limits_for(schema_name=store_a.schema)
    assert isinstance(limits, PlanLimits) and limits.plan_code == "pro"
    with pytest.raises(AttributeError):
        limits.max_products = 1


def test_the_101st_product_on_a_100_product_plan_is_refused(store_a):
    put_on(store_a, "basic")
    with schema_context(store_a.schema):
        Product.objects.bulk_create([Product(title=f"p{i}") for i in range(100 - Product.objects.count())])
        with pytest.raises(PlanLimitReached) as refused:
            product_create(title="第 101 个", skus=SKU)
        assert "最多可有 100 个商品" in refused.value.message and "基础版" in refused.value.message
        assert refused.value.fields == {"products": [refused.value.message]}
        assert Product.objects.count() == 100
    put_on(store_a, "pro")
    with schema_context(store_a.schema):
        assert product_create(title="升级后可以", skus=SKU).pk


def test_distributors_beyond_the_plan_are_refused_over_http(store_a, client_a):
    with schema_context(store_a.schema):
        DistributionSettings.objects.update_or_create(pk=1, defaults={"recruitment": "open", "enabled": True})
        make_distributor()
        put_on(store_a, "basic", max_distributors=distributor_count())
        member = MemberFactory()
        token = member_token_issue(member=member)
    response = APIClient(HTTP_HOST=store_a.host).post("/api/v1/distribution/apply/", {}, format="json",
                                                      HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == "plan_limit_reached" and "分销员" in body["message"] and "distributors" in body["fields"]


def test_staff_seats(store_a):
    put_on(store_a, "basic")  # 3 seats: Ann and Otto use two
    with schema_context(store_a.schema):
        staff_create(login="fay@alpha.test", password=PASSWORD, role="finance")
        with pytest.raises(PlanLimitReached, match="员工账号"):
            staff_create(login="sam@alpha.test", password=PASSWORD, role="operations")


def test_orders_per_month(store_a):
    put_on(store_a, "basic", max_orders_per_month=1)
    with schema_context(store_a.schema):
        ShippingTemplate.objects.create(name="包邮", mode="flat", flat_fee_fen=0, is_default=True)
        address = AddressFactory()
        sku = SkuFactory(stock=10)
        items = [{"sku_id": sku.pk, "quantity": 1}]
        order_create(member=address.member, idempotency_key="limit-order-0001", address_id=address.pk, items=items)
        with pytest.raises(PlanLimitReached, match="本月订单已达套餐上限"):
            order_create(member=address.member, idempotency_key="limit-order-0002", address_id=address.pk,
                         items=items)
        sku.refresh_from_db()
        assert sku.stock == 9  # the refused order reserved nothing


def test_templates_custom_domain_and_simulator_follow_the_plan(store_a):
    put_on(store_a, "basic")
    with pytest.raises(PlanLimitReached, match="不能使用模板"):
        tenant_switch_template(tenant=store_a.tenant, template_code="mother_baby")
    with pytest.raises(PlanLimitReached, match="自定义域名"):
        tenant_add_custom_domain(tenant=store_a.tenant, domain="shop.alpha-beauty.cn")
    with schema_context(store_a.schema):
        draft = RuleSet.objects.create(version=9, status=RuleSet.Status.DRAFT)
        with pytest.raises(PlanLimitReached, match="佣金模拟器"):
            simulate(draft=draft, days=30, now=timezone.now())
    put_on(store_a, "pro")
    domain = tenant_add_custom_domain(tenant=store_a.tenant, domain="Shop.Alpha-Beauty.cn.")
    assert (domain.domain, domain.is_custom, domain.is_verified) == ("shop.alpha-beauty.cn", True, False)
    with schema_context(store_a.schema):
        assert simulate(draft=draft, days=30, now=timezone.now()).orders == 0
    tenant_switch_template(tenant=store_a.tenant, template_code="mother_baby")


def test_a_downgrade_the_store_has_outgrown_is_refused_by_name(store_a, stripe_fake, stripe_plans):
    with schema_context(store_a.schema):
        ProductFactory.create_batch(101 - Product.objects.count())
    tenant_add_custom_domain(tenant=store_a.tenant, domain="shop.alpha.example")
    with pytest.raises(PlanLimitReached) as refused:
        checkout_start(tenant=store_a.tenant, plan_code="basic", interval="month", success_url="http://x/ok",
                       cancel_url="http://x/no")
    assert "商品已有 101 个，上限 100 个" in refused.value.message and "自定义域名" in refused.value.message
    url = checkout_start(tenant=store_a.tenant, plan_code="pro", interval="month", success_url="http://x/ok",
                         cancel_url="http://x/no")
    stripe_fake.checkout_complete(url.rsplit("/", 1)[1])
    deliver_new(stripe_fake, [])
    with pytest.raises(PlanLimitReached, match="商品已有 101 个"):
        plan_change(tenant=store_a.tenant, plan_code="basic", interval="month")
    assert subscription_of(store_a).next_plan is None
    changes = [o for o in stripe_fake.objects.values() if o["object"] == "subscription"]
    assert changes[0]["items"]["data"][0]["price"]["metadata"]["plan_code"] == "pro"  # Stripe never asked
