"""The distribution network of one store: who may distribute, who brought whom, what each sale earns.

Amounts are integer fen and rates integer basis points. Commissions snapshot the rule version, rate and
base they were computed from; the ledger (tenants.ledger) holds the money movements.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.members.models import Member

MAX_LEVELS = 3  # legal cap: commissions never go past the third level


class DistributionSettings(models.Model):
    """The store's distribution rules. One row per store."""

    class Recruitment(models.TextChoices):
        OPEN = "open", _("所有人可直接成为分销员")
        APPLY = "apply", _("申请并审核")
        PURCHASE_PRODUCT = "purchase_product", _("购买指定商品后")
        SPEND_THRESHOLD = "spend_threshold", _("累计消费达到门槛后")

    class BindingMode(models.TextChoices):
        ANY_VISIT = "any_visit", _("任何访问即绑定")
        NEW_CUSTOMERS_ONLY = "new_customers_only", _("仅绑定新客户")

    class Settlement(models.TextChoices):
        DAILY = "daily", _("每日")
        WEEKLY = "weekly", _("每周")
        MONTHLY = "monthly", _("每月")

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    enabled = models.BooleanField(default=True)
    levels = models.PositiveSmallIntegerField(default=2)
    recruitment = models.CharField(max_length=20, choices=Recruitment.choices, default=Recruitment.APPLY)
    recruitment_product_id = models.BigIntegerField(null=True, blank=True)
    recruitment_spend_fen = models.PositiveBigIntegerField(default=0)
    # Extra questions on the application form: [{"name": "real_name", "label": "真实姓名", "required": true}]
    application_fields = models.JSONField(default=list, blank=True)
    binding_days = models.PositiveIntegerField(default=30)  # 0 = permanent
    binding_mode = models.CharField(max_length=20, choices=BindingMode.choices, default=BindingMode.ANY_VISIT)
    freeze_days = models.PositiveIntegerField(default=7)
    self_purchase_commission = models.BooleanField(default=False)
    # Anti-abuse: only the first order per device / payer earns commission.
    first_order_per_device_only = models.BooleanField(default=False)
    settlement = models.CharField(max_length=10, choices=Settlement.choices, default=Settlement.DAILY)
    withdrawal_min_fen = models.PositiveBigIntegerField(default=100)
    withdrawal_fee_bp = models.PositiveIntegerField(default=0)
    withdrawal_daily_cap_fen = models.PositiveBigIntegerField(default=2_000_000)
    withdrawal_auto_approve_below_fen = models.PositiveBigIntegerField(default=0)
    # Off by default; the console shows the compliance notice: only sales, never recruitment, are rewarded.
    team_bonus_enabled = models.BooleanField(default=False)
    team_bonus_bp = models.PositiveIntegerField(default=0)
    monthly_target_bonus_enabled = models.BooleanField(default=False)
    monthly_target_sales_fen = models.PositiveBigIntegerField(default=0)
    monthly_target_bonus_fen = models.PositiveBigIntegerField(default=0)
    # Suspicious-pattern thresholds: orders from one device/address to one distributor within a day.
    fraud_orders_per_device_per_day = models.PositiveIntegerField(default=5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(levels__gte=1, levels__lte=MAX_LEVELS),
                                   name="distribution_levels_1_to_3"),
        ]

    def __str__(self) -> str:
        return "distribution settings"


class Grade(models.Model):
    """Distributor grades (e.g. junior, senior, mentor), ranked; higher grades may earn higher rates.
    ``promotion_rules`` (all must hold): {"orders_30d": 5, "team_sales_fen": 1000000, "spent_fen": 50000}."""

    name = models.CharField(max_length=20, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True)
    promotion_rules = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class RuleSet(models.Model):
    """A versioned set of commission rules. Publishing makes a draft current; past commissions keep the
    version they were computed under."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        ARCHIVED = "archived", _("已归档")

    version = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=models.Q(status="published"),
                                    name="distribution_one_published_ruleset"),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.status})"


class LevelRate(models.Model):
    """Rate per level, optionally for one grade (a grade-specific row wins over the grade-less one)."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="level_rates")
    level = models.PositiveSmallIntegerField()
    grade = models.ForeignKey(Grade, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    first_order_bp = models.PositiveIntegerField()
    repeat_order_bp = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=MAX_LEVELS),
                                   name="distribution_rate_level_1_to_3"),
            models.UniqueConstraint(fields=["rule_set", "level", "grade"], nulls_distinct=False,
                                    name="distribution_one_rate_per_level_grade"),
        ]

    def __str__(self) -> str:
        return f"v{self.rule_set_id} L{self.level} {self.first_order_bp}/{self.repeat_order_bp}bp"


class ProductOverride(models.Model):
    """A product's (or one SKU's) own commission: a rate or a fixed amount per unit, per level."""

    class Mode(models.TextChoices):
        RATE = "rate", _("按比例")
        FIXED = "fixed", _("固定金额")

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="product_overrides")
    product_id = models.BigIntegerField()
    sku_id = models.BigIntegerField(null=True, blank=True)
    level = models.PositiveSmallIntegerField()
    mode = models.CharField(max_length=5, choices=Mode.choices)
    rate_bp = models.PositiveIntegerField(default=0)
    fixed_fen = models.PositiveBigIntegerField(default=0)  # per unit

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=MAX_LEVELS),
                                   name="distribution_override_level_1_to_3"),
            models.UniqueConstraint(fields=["rule_set", "product_id", "sku_id", "level"], nulls_distinct=False,
                                    name="distribution_one_override_per_target_level"),
        ]

    def __str__(self) -> str:
        return f"v{self.rule_set_id} p{self.product_id} L{self.level}"


class Campaign(models.Model):
    """A time-boxed rate (e.g. launch week) that replaces the level rate while it runs."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=40)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    level = models.PositiveSmallIntegerField()
    rate_bp = models.PositiveIntegerField()
    product_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)  # empty = every product

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="distribution_campaign_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class Distributor(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        FROZEN = "frozen", _("已冻结")

    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="distributor")
    code = models.CharField(max_length=12, unique=True)  # in share links and QR scenes
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    grade = models.ForeignKey(Grade, null=True, blank=True, on_delete=models.PROTECT, related_name="distributors")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Materialised upline, nearest first: [parent, grandparent], capped so that the distributor plus its
    # upline never exceed MAX_LEVELS. The whole commission chain is in one row: no recursion.
    upline_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    frozen_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class Application(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已拒绝")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="distributor_applications")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    answers = models.JSONField(default=dict, blank=True)
    inviter_code = models.CharField(max_length=12, blank=True)
    reject_reason = models.CharField(max_length=200, blank=True)
    reviewed_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=models.Q(status="pending"),
                                    name="distribution_one_pending_application"),
        ]

    def __str__(self) -> str:
        return f"application {self.pk} ({self.status})"


class Binding(models.Model):
    """A shopper bound to the distributor who brought them. First bind wins until it expires."""

    class Source(models.TextChoices):
        LINK = "link", _("分享链接")
        QR = "qr", _("小程序码")
        POSTER = "poster", _("海报")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="bindings")
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="bindings")
    source = models.CharField(max_length=10, choices=Source.choices)
    scene = models.CharField(max_length=64, blank=True)
    bound_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)  # null = permanent
    ended_at = models.DateTimeField(null=True, blank=True)  # set when replaced after expiry

    class Meta:
        ordering = ["-bound_at"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=models.Q(ended_at__isnull=True),
                                    name="distribution_one_open_binding"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}->{self.distributor_id}"


class Commission(models.Model):
    """What one order line earned one distributor at one level, with everything needed to explain it."""

    class Status(models.TextChoices):
        FROZEN = "frozen", _("冻结中")
        AVAILABLE = "available", _("已解冻")
        REVERSED = "reversed", _("已追回")

    order_id = models.BigIntegerField()  # looked up through order_line_id (unique with level): one index fewer
    order_number = models.CharField(max_length=40)
    order_line_id = models.BigIntegerField()
    line_position = models.PositiveSmallIntegerField()
    # No index of its own: the (distributor, -created_at) index below serves every lookup by distributor,
    # and each index costs settlement time (every released row rewrites them all).
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="commissions",
                                    db_index=False)
    level = models.PositiveSmallIntegerField()
    base_fen = models.PositiveBigIntegerField()  # what was paid for the line, after discounts, no shipping
    quantity = models.PositiveIntegerField()
    rate_bp = models.PositiveIntegerField(null=True, blank=True)  # null when a fixed amount applied
    fixed_fen = models.PositiveBigIntegerField(null=True, blank=True)
    amount_fen = models.PositiveBigIntegerField()
    clawed_back_fen = models.PositiveBigIntegerField(default=0)
    rule_version = models.PositiveIntegerField()
    rate_source = models.CharField(max_length=20)  # level / grade / product / sku / campaign
    is_first_order = models.BooleanField()
    # Neither is indexed, so releasing a commission (or clawing it back) is a heap-only update of its row,
    # written beside it on the same page (the table keeps half of each page free for that: migration 0003).
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FROZEN)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["order_line_id", "level"],
                                    name="distribution_one_commission_per_line_level"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=MAX_LEVELS),
                                   name="distribution_commission_level_1_to_3"),
            models.CheckConstraint(condition=models.Q(clawed_back_fen__lte=models.F("amount_fen")),
                                   name="distribution_clawback_within_amount"),
        ]
        indexes = [
            models.Index(fields=["distributor", "-created_at"], name="distribution_commission_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.order_number}/{self.line_position}/L{self.level}"


class DueCommission(models.Model):
    """Settlement's work list: one row per frozen commission, holding its release time (receipt + freeze
    days) once the order is received; the row goes when the commission is released or reversed. It lives
    apart from Commission so that no index of the commission covers its status: an index over the status
    would make every release rewrite all of the commission's index entries."""

    commission = models.OneToOneField(Commission, primary_key=True, on_delete=models.CASCADE, related_name="due")
    order_id = models.BigIntegerField()
    release_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["release_at", "commission"], name="distribution_due_by_time")]

    def __str__(self) -> str:
        return f"{self.commission_id} due {self.release_at}"


class GradeChange(models.Model):
    distributor = models.ForeignKey(Distributor, on_delete=models.CASCADE, related_name="grade_changes")
    from_grade = models.ForeignKey(Grade, null=True, on_delete=models.PROTECT, related_name="+")
    to_grade = models.ForeignKey(Grade, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    actor = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.distributor_id}: {self.from_grade_id} -> {self.to_grade_id}"


class FraudFlag(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        DISMISSED = "dismissed", _("已忽略")
        CONFIRMED = "confirmed", _("已确认")

    distributor = models.ForeignKey(Distributor, on_delete=models.CASCADE, related_name="fraud_flags")
    order_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=30)
    detail = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"


class Withdrawal(models.Model):
    class Method(models.TextChoices):
        WECHAT = "wechat", _("微信零钱")
        BANK = "bank", _("银行卡")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审核")
        APPROVED = "approved", _("待打款")
        REJECTED = "rejected", _("已拒绝")
        PAYING = "paying", _("打款中")
        PAID = "paid", _("已到账")
        FAILED = "failed", _("打款失败")

    # Also the WeChat transfer's out_bill_no: deterministic, never re-issued under another number.
    number = models.CharField(max_length=40, unique=True)
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="withdrawals")
    # The client's key for this request: a retried or double-tapped 申请提现 finds this row instead of
    # taking the money out twice. The fingerprint is what was asked, so a reused key for another request is refused.
    idempotency_key = models.CharField(max_length=64, blank=True)
    fingerprint = models.CharField(max_length=32, blank=True)
    amount_fen = models.PositiveBigIntegerField()
    fee_fen = models.PositiveBigIntegerField(default=0)
    net_fen = models.PositiveBigIntegerField()
    method = models.CharField(max_length=10, choices=Method.choices)
    bank_account_encrypted = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    reject_reason = models.CharField(max_length=200, blank=True)
    reviewed_by = models.CharField(max_length=150, blank=True)
    transfer_bill_no = models.CharField(max_length=64, blank=True)  # WeChat's id for the transfer
    failure_reason = models.CharField(max_length=200, blank=True)
    # Set by the payout sweep when a transfer stays unsettled too long: shown to finance until it settles.
    payout_problem = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["distributor", "idempotency_key"],
                                               condition=~models.Q(idempotency_key=""),
                                               name="withdrawals_idempotent_per_distributor")]

    def __str__(self) -> str:
        return self.number


class SettlementRun(models.Model):
    """One settlement run. Its counters move in the same transaction as each batch's journals, so they are
    always what the run has released; a run whose worker died is marked abandoned by the next run."""

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        FINISHED = "finished", _("已完成")
        FAILED = "failed", _("出错中止")
        ABANDONED = "abandoned", _("已中断")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    released_count = models.PositiveIntegerField(default=0)
    released_fen = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"settlement {self.started_at:%Y-%m-%d %H:%M}"


class Bonus(models.Model):
    """A monthly bonus paid to a distributor, with what it was computed from. Bonuses reward sales only —
    the distributor's own (target bonus) or their team's (team bonus) — never the recruiting of members."""

    class Kind(models.TextChoices):
        TEAM = "team", _("团队奖励")
        TARGET = "target", _("月度目标奖励")

    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="bonuses")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    month = models.DateField()  # the first day of the month the sales were settled in
    base_fen = models.PositiveBigIntegerField()  # team sales, or the distributor's own sales
    rate_bp = models.PositiveIntegerField(null=True, blank=True)  # team bonus rate; null for a fixed bonus
    target_fen = models.PositiveBigIntegerField(null=True, blank=True)  # the target that was reached
    amount_fen = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "-id"]
        constraints = [models.UniqueConstraint(fields=["distributor", "kind", "month"],
                                               name="distribution_one_bonus_per_kind_month")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.distributor_id}:{self.month:%Y-%m}"
