"""Members' loyalty: the store's points rules, what each order line spent and earned in points, the
accrual work list, daily sign-ins; member levels, each member's standing and its history, per-product member
prices.

Balances live in the ledger (tenants.ledger, ``member_points`` accounts counted in points): every change is a
balanced journal with an idempotency key, and the rows here say which order line a change belongs to, so that
a refund returns and takes back exactly the points of the refunded part."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# What ¥1 off may cost in points: 1 point is then a whole number of fen (100 / rate).
REDEEM_RATES = (1, 2, 4, 5, 10, 20, 25, 50, 100)


class LoyaltySettings(models.Model):
    """The store's points rules (one row)."""

    class Expiry(models.TextChoices):
        NEVER = "never", _("永不过期")
        END_OF_NEXT_YEAR = "end_of_next_year", _("次年年底过期")
        ROLLING = "rolling", _("获得后 N 天过期")

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    points_enabled = models.BooleanField(default=True)
    earn_points_per_yuan = models.PositiveSmallIntegerField(default=1)  # on what a received order's line paid
    redeem_points_per_yuan = models.PositiveSmallIntegerField(default=100)  # points for ¥1 off (one of REDEEM_RATES)
    redeem_max_share_bp = models.PositiveIntegerField(default=5000)  # at most this share of the goods paid in points
    redeem_min_points = models.PositiveIntegerField(default=0)  # fewer points than this cannot be used at all
    sign_in_points = models.PositiveSmallIntegerField(default=5)
    sign_in_streak_days = models.PositiveSmallIntegerField(default=7)  # every Nth day in a row earns the bonus
    sign_in_streak_bonus = models.PositiveSmallIntegerField(default=20)
    review_points = models.PositiveSmallIntegerField(default=10)
    expiry = models.CharField(max_length=20, choices=Expiry.choices, default=Expiry.END_OF_NEXT_YEAR)
    expiry_days = models.PositiveIntegerField(default=365)  # for the rolling rule
    # A refund takes back the points its order earned; when they are already spent, the balance may go below
    # zero only if the store allows it (otherwise what is missing is written off).
    allow_negative = models.BooleanField(default=False)
    # Levels are reached on what was received within this many days (0: since the member joined).
    level_period_days = models.PositiveIntegerField(default=365)

    def __str__(self) -> str:
        return "loyalty settings"

    @property
    def fen_per_point(self) -> int:
        return 100 // self.redeem_points_per_yuan


class PointsDue(models.Model):
    """Accrual's work list: an order received (the store's worker takes the row off the list and posts its points,
    set-based, on what its lines paid net of refunds then)."""

    order_id = models.BigIntegerField(primary_key=True)
    member_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"points due on order {self.order_id}"


class LinePoints(models.Model):
    """The points of one order line: spent on it at checkout (allocated by largest remainder) and earned by it
    on receipt, with what a refund has since returned and taken back."""

    order_line_id = models.BigIntegerField(primary_key=True)
    order_id = models.BigIntegerField()
    member_id = models.BigIntegerField()
    spent = models.PositiveBigIntegerField(default=0)
    spent_fen = models.PositiveBigIntegerField(default=0)  # what the spent points took off the line
    spent_returned = models.PositiveBigIntegerField(default=0)
    earned = models.PositiveBigIntegerField(default=0)
    earned_base_fen = models.PositiveBigIntegerField(default=0)  # what the line had paid (net) when it earned
    earned_at = models.DateTimeField(null=True, blank=True)
    earned_reversed = models.PositiveBigIntegerField(default=0)
    reverse_written_off = models.PositiveBigIntegerField(default=0)  # taken back on paper only: the balance was short

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(spent_returned__lte=models.F("spent")),
                                   name="loyalty_returned_within_spent"),
            models.CheckConstraint(condition=models.Q(earned_reversed__lte=models.F("earned")),
                                   name="loyalty_reversed_within_earned"),
        ]

    def __str__(self) -> str:
        return f"line {self.order_line_id}: -{self.spent} +{self.earned}"


class SignIn(models.Model):
    """One daily sign-in (签到) of a member, on the store's calendar day; ``streak`` counts days in a row."""

    member_id = models.BigIntegerField()
    day = models.DateField()
    streak = models.PositiveIntegerField(default=1)
    points = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["member_id", "day"], name="loyalty_one_sign_in_a_day")]

    def __str__(self) -> str:
        return f"{self.member_id} signed in {self.day}"


class MemberLevel(models.Model):
    """会员等级: reached by what a member spent on received orders (net of refunds) and how many they received,
    within the store's period; each level's benefits go into the price of the member's orders and their points."""

    class Rule(models.TextChoices):
        ANY = "any", _("满足任一条件")
        ALL = "all", _("同时满足")

    rank = models.PositiveSmallIntegerField(unique=True)  # 1 is where every member starts
    name = models.CharField(max_length=20)
    spend_fen = models.PositiveBigIntegerField(default=0)  # received spend within the period to reach it
    orders = models.PositiveIntegerField(default=0)  # received orders within the period to reach it
    rule = models.CharField(max_length=3, choices=Rule.choices, default=Rule.ANY)
    price_off_bp = models.PositiveIntegerField(default=0)  # member price: this much off the usual price
    free_shipping_over_fen = models.PositiveBigIntegerField(null=True, blank=True)  # goods paid at least this
    points_multiplier_bp = models.PositiveIntegerField(default=10_000)  # 10000 = 1x the store's points
    birthday_coupon_id = models.BigIntegerField(null=True, blank=True)  # a marketing coupon for the birthday
    early_access_minutes = models.PositiveIntegerField(default=0)  # flash sales open this much earlier

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"L{self.rank} {self.name}"


class MemberStanding(models.Model):
    """A member's level, as the worker last evaluated it (or staff set it). No row: the first level."""

    member_id = models.BigIntegerField(primary_key=True)
    rank = models.PositiveSmallIntegerField(default=1)
    spend_fen = models.BigIntegerField(default=0)  # within the period, when last evaluated
    orders = models.PositiveIntegerField(default=0)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.member_id} at L{self.rank}"


class LevelChange(models.Model):
    """Every change of a member's level: by the worker's evaluation, or by staff with their reason."""

    member_id = models.BigIntegerField(db_index=True)
    from_rank = models.PositiveSmallIntegerField()
    to_rank = models.PositiveSmallIntegerField()
    actor = models.CharField(max_length=150, default="system")
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id}: L{self.from_rank} -> L{self.to_rank}"


class ProductLevelPrice(models.Model):
    """A product's own member discount for a level, instead of the level's (0: no member price on it)."""

    product_id = models.BigIntegerField()
    rank = models.PositiveSmallIntegerField()
    price_off_bp = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product_id", "rank"], name="loyalty_one_price_per_level")]

    def __str__(self) -> str:
        return f"product {self.product_id} L{self.rank}: -{self.price_off_bp}bp"
