"""An append-only double-entry ledger.

Every movement of money (commission accrual, release, claw-back, withdrawal, payout, fee) is a Journal
whose Entries sum to zero. Entries and journals are never updated or deleted (the database refuses it),
a journal's idempotency key is unique, and the zero sum is checked by the database at commit. An
account's balance is the sum of its entries; ``balance_fen`` caches it and reconciliation proves it.

Sign convention: an entry's amount is what it adds to the account's balance. Distributor accounts hold
what the store owes the distributor (positive); the store's own accounts mirror them.

Two units share the books: money (fen) and members' points. A points account's ``balance_fen`` counts points,
a journal never mixes the two units (``journal_post`` refuses it), and reconciliation sums each unit apart.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Account(models.Model):
    class Kind(models.TextChoices):
        DISTRIBUTOR_FROZEN = "distributor_frozen", _("分销员冻结佣金")
        DISTRIBUTOR_AVAILABLE = "distributor_available", _("分销员可提现")
        DISTRIBUTOR_WITHDRAWING = "distributor_withdrawing", _("分销员提现中")
        STORE_COMMISSION_EXPENSE = "store_commission_expense", _("店铺佣金支出")
        STORE_PAYOUT_CLEARING = "store_payout_clearing", _("店铺已打款")
        STORE_FEE_INCOME = "store_fee_income", _("店铺提现手续费收入")
        # Points (积分), counted in points, never in fen.
        MEMBER_POINTS = "member_points", _("会员积分")
        STORE_POINTS_ISSUED = "store_points_issued", _("店铺发放积分")
        STORE_POINTS_REDEEMED = "store_points_redeemed", _("店铺积分抵扣")
        STORE_POINTS_EXPIRED = "store_points_expired", _("店铺过期积分")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    owner_id = models.BigIntegerField(null=True, blank=True)  # the distributor for distributor accounts
    balance_fen = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "owner_id"], name="ledger_account_unique_per_owner",
                                    nulls_distinct=False),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.owner_id or '-'}"


POINTS_ACCOUNT_KINDS: frozenset[str] = frozenset(kind.value for kind in (
    Account.Kind.MEMBER_POINTS, Account.Kind.STORE_POINTS_ISSUED, Account.Kind.STORE_POINTS_REDEEMED,
    Account.Kind.STORE_POINTS_EXPIRED))


class Journal(models.Model):
    class Kind(models.TextChoices):
        ACCRUAL = "accrual", _("佣金计提")
        RELEASE = "release", _("佣金解冻")
        CLAWBACK = "clawback", _("佣金追回")
        WITHDRAWAL = "withdrawal", _("申请提现")
        WITHDRAWAL_REVERSAL = "withdrawal_reversal", _("提现退回")
        PAYOUT = "payout", _("提现打款")
        BONUS = "bonus", _("奖励")
        POINTS_EARN = "points_earn", _("购物得积分")
        POINTS_GRANT = "points_grant", _("积分奖励")
        POINTS_SPEND = "points_spend", _("积分抵扣")
        POINTS_RETURN = "points_return", _("积分退回")
        POINTS_REVERSE = "points_reverse", _("积分扣回")
        POINTS_EXPIRE = "points_expire", _("积分过期")
        POINTS_ADJUST = "points_adjust", _("积分调整")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    idempotency_key = models.CharField(max_length=120, unique=True)
    reference = models.CharField(max_length=64, blank=True, db_index=True)  # order / withdrawal number
    memo = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.idempotency_key


class Entry(models.Model):
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="entries")
    # Indexed by the (account, created_at) index below; its own index would only slow every posting down.
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries", db_index=False)
    amount_fen = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["account", "created_at"], name="ledger_entry_account_time")]
        constraints = [models.CheckConstraint(condition=~models.Q(amount_fen=0), name="ledger_entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount_fen:+d}"
