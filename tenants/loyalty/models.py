"""Members' loyalty: the store's points rules, what each order line spent and earned in points, the
accrual work list, daily sign-ins.

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

    def __str__(self) -> str:
        return "loyalty settings"

    @property
    def fen_per_point(self) -> int:
        return 100 // self.redeem_points_per_yuan


class PointsDue(models.Model):
    """Accrual's work list: a paid order earns its points once it is received (the store's worker takes the row
    off the list and posts them, set-based); a fully refunded order leaves the list without earning."""

    order_id = models.BigIntegerField(primary_key=True)
    member_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"points due on order {self.order_id}"


class LinePoints(models.Model):
    """The points of one order line: spent on it at checkout (allocated by largest remainder) and earned by it
    on receipt, with what a refund has since returned and taken back."""

    order_line_id = models.BigIntegerField(primary_key=True)
    order_id = models.BigIntegerField(db_index=True)
    member_id = models.BigIntegerField(db_index=True)
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
