"""Factories for commerce tests (factory_boy). Use them inside the store's schema:
``with schema_context(store_a.schema): product = ProductFactory(...)``."""

from __future__ import annotations

import factory
from django.utils import timezone

from tenants.catalog.models import Product, Sku
from tenants.members.models import Address, Member


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    title = factory.Sequence(lambda n: f"测试商品 {n}")
    subtitle = "好用不贵"
    status = Product.Status.ON_SALE
    published_at = factory.LazyFunction(timezone.now)
    min_price_fen = 9900


class SkuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sku

    product = factory.SubFactory(ProductFactory)
    spec_key = factory.Sequence(lambda n: f"规格:{n}")
    spec_values = factory.LazyAttribute(lambda o: {"规格": o.spec_key.split(":", 1)[1]})
    price_fen = 9900
    original_price_fen = 12900
    cost_fen = 5000
    stock = 100
    weight_g = 500


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    openid = factory.Sequence(lambda n: f"openid-{n:06d}")
    nickname = factory.Sequence(lambda n: f"顾客{n}")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    member = factory.SubFactory(MemberFactory)
    recipient = "张三"
    phone = "13800138000"
    region_code = "310115"
    province = "上海市"
    city = "上海市"
    district = "浦东新区"
    detail = "世纪大道 100 号"
    is_default = True
