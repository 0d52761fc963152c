"""Promotions. Coupons: what a store offers (Coupon, with its quantity counted like stock) and what each member holds
(MemberCoupon, used by one order at most). Campaigns: timed discounts, full reductions and flash sales (whose quotas
are counted like stock too), with the purchases their per-member limits count."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.catalog.models import Product, Sku
from tenants.members.models import Member


class Coupon(models.Model):
    class AutoIssue(models.TextChoices):
        NONE = "", _("不自动发放")
        NEW_MEMBER = "new_member", _("新人券：注册即发")
        FIRST_ORDER = "first_order", _("首单奖励：首次付款后发")
        SHARE_REWARD = "share_reward", _("分享奖励：邀请的好友注册或首单付款后发给分享者")

    class Kind(models.TextChoices):
        AMOUNT_OFF = "amount_off", _("满减券")  # a threshold of 0 makes it a no-threshold coupon
        PERCENT_OFF = "percent_off", _("折扣券")
        FREE_SHIPPING = "free_shipping", _("包邮券")

    class Scope(models.TextChoices):
        ALL = "all", _("全部商品")
        CATEGORIES = "categories", _("指定分类")
        PRODUCTS = "products", _("指定商品")

    class Status(models.TextChoices):
        ACTIVE = "active", _("进行中")
        PAUSED = "paused", _("已暂停")
        ENDED = "ended", _("已结束")

    name = models.CharField(max_length=40)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount_fen = models.PositiveBigIntegerField(default=0)  # amount off
    percent_off_bp = models.PositiveIntegerField(default=0)  # 1500 = 15% off (八五折)
    max_discount_fen = models.PositiveBigIntegerField(null=True, blank=True)  # a percent coupon's cap
    threshold_fen = models.PositiveBigIntegerField(default=0)  # the eligible lines must come to this much
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.ALL)
    scope_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)  # category or product ids
    excluded_product_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # Validity: a fixed window, or valid_days from the moment it is claimed.
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    valid_days = models.PositiveIntegerField(null=True, blank=True)
    total_quantity = models.PositiveIntegerField()
    issued_count = models.PositiveIntegerField(default=0)
    per_member_limit = models.PositiveIntegerField(default=1)
    claimable = models.BooleanField(default=True)  # shown in the coupon centre and on product pages
    auto_issue = models.CharField(max_length=12, choices=AutoIssue.choices, default=AutoIssue.NONE, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The database refuses to issue more than the quantity, whatever a service does.
            models.CheckConstraint(condition=models.Q(issued_count__lte=models.F("total_quantity")),
                                   name="coupons_never_over_issued"),
            models.CheckConstraint(condition=models.Q(percent_off_bp__lte=10000), name="coupons_percent_at_most_all"),
        ]

    def __str__(self) -> str:
        return self.name


class MemberCoupon(models.Model):
    class Status(models.TextChoices):
        UNUSED = "unused", _("未使用")
        USED = "used", _("已使用")
        VOID = "void", _("已作废")

    class Source(models.TextChoices):
        CLAIM = "claim", _("领取")
        MERCHANT = "merchant", _("商家发放")
        EVENT = "event", _("自动发放")
        CODE = "code", _("兑换码")

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="issued")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="coupons")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.UNUSED, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CLAIM)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    claimed_at = models.DateTimeField()
    order_id = models.BigIntegerField(null=True, blank=True)  # the order that used it
    used_at = models.DateTimeField(null=True, blank=True)
    discount_fen = models.PositiveBigIntegerField(default=0)  # what it took off that order (shipping waived too)

    class Meta:
        ordering = ["valid_until", "id"]
        indexes = [models.Index(fields=["member", "status", "valid_until"], name="member_coupons_usable")]

    def __str__(self) -> str:
        return f"{self.coupon_id} -> {self.member_id} ({self.status})"


class Campaign(models.Model):
    """What every time-boxed promotion has: a window, and a status the merchant moves (pause, resume, end)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("进行中")
        PAUSED = "paused", _("已暂停")
        ENDED = "ended", _("已结束")

    name = models.CharField(max_length=40)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.name


class TimedDiscount(Campaign):
    """限时折扣: its products (or single SKUs) sell at a price or a percent off inside the window, up to
    ``per_member_limit`` units per member across the campaign (beyond it, the usual price)."""

    per_member_limit = models.PositiveIntegerField(null=True, blank=True)

    class Meta(Campaign.Meta):
        pass


class TimedDiscountItem(models.Model):
    discount = models.ForeignKey(TimedDiscount, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, null=True, blank=True, related_name="+")  # None: all
    price_fen = models.PositiveBigIntegerField(null=True, blank=True)  # the price, or
    percent_off_bp = models.PositiveIntegerField(default=0)  # off the SKU's price (2000 = 八折)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["discount", "product", "sku"], name="timed_discount_item_once",
                                    nulls_distinct=False),
            models.CheckConstraint(condition=models.Q(price_fen__isnull=False) | models.Q(percent_off_bp__gt=0),
                                   name="timed_discount_item_prices"),
        ]

    def __str__(self) -> str:
        return f"{self.discount_id}: {self.product_id}/{self.sku_id or '*'}"


class FullReduction(Campaign):
    """满减 / 满折: the order's eligible lines coming to a tier's threshold get its amount (or percent) off; the
    highest tier reached applies. ``tiers`` is ``[{"threshold_fen": 30000, "amount_fen": 3000}, ...]`` or with
    ``percent_off_bp`` instead of ``amount_fen``, ascending."""

    class Kind(models.TextChoices):
        AMOUNT = "amount", _("满减")
        PERCENT = "percent", _("满折")

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.AMOUNT)
    tiers = models.JSONField(default=list)
    scope = models.CharField(max_length=12, choices=Coupon.Scope.choices, default=Coupon.Scope.ALL)
    scope_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)

    class Meta(Campaign.Meta):
        pass


class FlashSale(Campaign):
    """秒杀: each item is one SKU at the flash price, with its own quota (``sold_count`` never passes it: the
    database refuses), bought through the flash path only, at most ``per_member_limit`` units per buyer per
    item."""

    per_member_limit = models.PositiveIntegerField(default=1)

    class Meta(Campaign.Meta):
        pass


class FlashSaleItem(models.Model):
    flash_sale = models.ForeignKey(FlashSale, on_delete=models.CASCADE, related_name="items")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    price_fen = models.PositiveBigIntegerField()
    quota = models.PositiveIntegerField()
    sold_count = models.PositiveIntegerField(default=0)  # units in placed, not cancelled orders

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["flash_sale", "sku"], name="flash_sale_item_once"),
            models.CheckConstraint(condition=models.Q(sold_count__lte=models.F("quota")), name="flash_never_oversold"),
        ]

    def __str__(self) -> str:
        return f"{self.flash_sale_id}: {self.sku_id} {self.sold_count}/{self.quota}"


class CampaignPurchase(models.Model):
    """What an order bought under a campaign (a timed discount, a flash-sale item, a full reduction): the units
    and the discount, one row per order and campaign, deleted when the order is cancelled. Per-member limits
    count them; the campaign reports add them up."""

    class Kind(models.TextChoices):
        TIMED_DISCOUNT = "discount", _("限时折扣")
        FLASH = "flash", _("秒杀")
        FULL_REDUCTION = "reduction", _("满减")
        GROUP_BUY = "group", _("拼团")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    campaign_id = models.BigIntegerField()  # the timed discount, or the flash-sale item
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    order_id = models.BigIntegerField(db_index=True)
    quantity = models.PositiveIntegerField()
    discount_fen = models.PositiveBigIntegerField(default=0)  # what the campaign took off this order

    class Meta:
        indexes = [models.Index(fields=["kind", "campaign_id", "member"], name="campaign_purchases_by_member")]
        constraints = [models.UniqueConstraint(fields=["kind", "campaign_id", "order_id"],
                                               name="campaign_purchase_once_per_order")]

    def __str__(self) -> str:
        return f"{self.kind} {self.campaign_id}: order {self.order_id} x{self.quantity}"


class CouponCode(models.Model):
    """A redemption code (兑换码) for one coupon: whoever enters it first gets the coupon, once."""

    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=16, unique=True)
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    redeemed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class MarketingSettings(models.Model):
    """The store's promotion rules (one row)."""

    return_coupons_on_refund = models.BooleanField(default=True)  # a fully refunded order gives its coupons back
    store_coupons_per_order = models.PositiveSmallIntegerField(default=1)  # stacking (plus one free-shipping coupon)

    def __str__(self) -> str:
        return "marketing settings"


class GroupBuy(Campaign):
    """拼团: one SKU at the group price for teams of ``group_size``; a leader opens a team, others join through
    its link within ``hours``; a full team's orders go ahead, an unfilled one is refunded when its time is up."""

    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    price_fen = models.PositiveBigIntegerField()
    group_size = models.PositiveSmallIntegerField()
    hours = models.PositiveSmallIntegerField(default=24)

    class Meta(Campaign.Meta):
        pass


class GroupTeam(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("拼团中")
        FILLED = "filled", _("拼团成功")
        FAILED = "failed", _("拼团失败")

    group_buy = models.ForeignKey(GroupBuy, on_delete=models.PROTECT, related_name="teams")
    leader = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    deadline_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"team {self.pk} of {self.group_buy_id} ({self.status})"


class GroupTeamMember(models.Model):
    """One member's place in a team, with their order: a cancelled unpaid order frees the place."""

    team = models.ForeignKey(GroupTeam, on_delete=models.CASCADE, related_name="places")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    order_id = models.BigIntegerField(unique=True)
    paid = models.BooleanField(default=False)
    refunded = models.BooleanField(default=False)  # an unfilled team's paid order was refunded (exactly once)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "member"], name="group_team_member_once")]

    def __str__(self) -> str:
        return f"{self.member_id} in team {self.team_id}"


class ShareRewardSettings(models.Model):
    """分享奖励 (one row): what a member earns when their shared link brings a new member, and when that member pays
    a first order. Never for clicks alone; at most ``daily_cap`` rewards a sharer a store day; none for oneself or
    from the sharer's own device. A coupon reward is every active coupon set to be given as a share reward."""

    enabled = models.BooleanField(default=False)
    new_member_points = models.PositiveIntegerField(default=50)
    new_member_coupons = models.BooleanField(default=False)  # also the share-reward coupons, on a new member
    order_points = models.PositiveIntegerField(default=100)
    order_coupons = models.BooleanField(default=True)  # the share-reward coupons, on the first paid order
    daily_cap = models.PositiveSmallIntegerField(default=10)
    window_days = models.PositiveSmallIntegerField(default=30)  # a first order counts this long after joining

    def __str__(self) -> str:
        return "share reward settings"


class ShareCode(models.Model):
    """A member's code for share links (``?sc=``), with the devices the member used (no reward comes from them)."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="share_code")
    code = models.CharField(max_length=12, unique=True)
    devices = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class ShareReferral(models.Model):
    """A new member who joined through another member's share link."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="referral")
    sharer = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="referrals")
    device_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.sharer_id} brought {self.member_id}"


class ShareReward(models.Model):
    """What a sharer was given (or refused, and why) for one referral's joining or first paid order; an order's
    reward is taken back when the order is refunded in full."""

    class Kind(models.TextChoices):
        NEW_MEMBER = "new_member", _("邀请新会员")
        ORDER = "order", _("好友首单")

    class Status(models.TextChoices):
        GIVEN = "given", _("已发放")
        REFUSED = "refused", _("未发放")
        REVERSED = "reversed", _("已撤回")

    referral = models.ForeignKey(ShareReferral, on_delete=models.CASCADE, related_name="rewards")
    sharer = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="share_rewards")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    order_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    points = models.PositiveIntegerField(default=0)
    member_coupon_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    reason = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["referral", "kind"], name="marketing_one_reward_per_kind")]
        indexes = [models.Index(fields=["sharer", "created_at"], name="marketing_share_rewards_by_day")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.sharer_id}: {self.status}"


class BirthdayGift(models.Model):
    """The birthday coupon a member's level gives, once a year."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="birthday_gifts")
    year = models.PositiveSmallIntegerField()
    member_coupon = models.ForeignKey(MemberCoupon, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="marketing_one_birthday_gift_a_year")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"
