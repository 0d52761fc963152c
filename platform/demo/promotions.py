"""The demo stores' promotions running now, made through the marketing services: coupons to claim, a timed
discount and a full reduction on some products, a flash sale on today and one tomorrow, a two-person group buy
(so the coupon centre, the product pages, 秒杀专区 and the console's calendar have something to show). Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tenants.catalog.models import Product
from tenants.marketing.campaigns import (
    DiscountItemInput,
    FlashItemInput,
    FlashSaleInput,
    FullReductionInput,
    TimedDiscountInput,
    flash_sale_create,
    full_reduction_create,
    timed_discount_create,
)
from tenants.marketing.groups import GroupBuyInput, group_buy_create
from tenants.marketing.models import Coupon, TimedDiscount
from tenants.marketing.services import CouponInput, coupon_create


def promotions_seed() -> bool:
    """False when the store has its promotions already (or no products to put in them)."""
    if TimedDiscount.objects.exists() or Coupon.objects.exists():
        return False
    products = list(Product.objects.filter(status=Product.Status.ON_SALE).prefetch_related("skus").order_by("pk"))
    if len(products) < 8:
        return False
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    coupon_create(values=CouponInput(name="新人无门槛券", kind="amount_off", amount_fen=500, total_quantity=1000,
                                     valid_days=7))
    coupon_create(values=CouponInput(name="满 199 减 30", kind="amount_off", amount_fen=3000, threshold_fen=19900,
                                     total_quantity=500, valid_days=14, per_member_limit=2))
    coupon_create(values=CouponInput(name="全场九折", kind="percent_off", percent_off_bp=1000, max_discount_fen=5000,
                                     total_quantity=300, valid_from=now - timedelta(days=1),
                                     valid_until=now + timedelta(days=10)))
    timed_discount_create(values=TimedDiscountInput(
        name="周末限时八五折", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=3), per_member_limit=3,
        items=[DiscountItemInput(product_id=p.pk, percent_off_bp=1500) for p in products[:3]]))
    full_reduction_create(values=FullReductionInput(
        name="满减狂欢", starts_at=now - timedelta(days=2), ends_at=now + timedelta(days=12),
        tiers=[{"threshold_fen": 19900, "amount_fen": 2000}, {"threshold_fen": 39900, "amount_fen": 5000}]))
    tomorrow_ten = (timezone.localtime(now) + timedelta(days=1)).replace(hour=10)  # 10:00 in the store's time
    for i, (starts, hours) in enumerate(((now - timedelta(hours=1), 12), (tomorrow_ten, 2))):
        sku = next((s for s in products[3 + i].skus.all() if s.is_active and s.stock >= 10), None)
        if sku is not None:
            flash_sale_create(values=FlashSaleInput(
                name="整点秒杀" if i else "今日秒杀", starts_at=starts, ends_at=starts + timedelta(hours=hours),
                items=[FlashItemInput(sku_id=sku.pk, price_fen=max(sku.price_fen // 2, 1), quota=10)]))
    sku = next((s for s in products[5].skus.all() if s.is_active and s.stock >= 10), None)
    if sku is not None and sku.price_fen > 100:
        group_buy_create(values=GroupBuyInput(name="两人拼团", starts_at=now - timedelta(days=1),
                                              ends_at=now + timedelta(days=14), sku_id=sku.pk,
                                              price_fen=sku.price_fen * 7 // 10, group_size=2, hours=24))
    return True
