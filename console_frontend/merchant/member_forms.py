"""Forms of the console's member screens: the member list's filters, the points rules, a staff points adjustment,
member levels and a staff level change."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.form_fields import PercentField, WholeNumberField, YuanField
from core.money import format_fen
from tenants.analytics.members import MemberFilter
from tenants.crm.models import Tag
from tenants.loyalty.levels import MAX_LEVELS, LevelInput
from tenants.loyalty.models import REDEEM_RATES, LoyaltySettings, MemberLevel
from tenants.marketing.models import Coupon

DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # the ISO form a date input takes
CHOICES_ANY = [("", _("不限")), ("yes", _("是")), ("no", _("否"))]


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("手机号 / 昵称 / 会员ID"), max_length=40, required=False)
    joined_from = forms.DateField(label=_("注册起"), required=False, widget=DAY)
    joined_to = forms.DateField(label=_("注册止"), required=False, widget=DAY)
    buyers = forms.ChoiceField(label=_("下过单"), choices=CHOICES_ANY, required=False)
    distributor = forms.ChoiceField(label=_("分销员"), choices=CHOICES_ANY, required=False)
    min_spend = YuanField(label=_("累计消费不低于（元）"), required=False)

    def clean(self):
        data = super().clean() or {}
        if data.get("joined_from") and data.get("joined_to") and data["joined_from"] > data["joined_to"]:
            self.add_error("joined_to", _("结束日期不能早于开始日期。"))
        return data

    def filters(self) -> MemberFilter:
        if not self.is_valid():
            return MemberFilter()
        data = self.cleaned_data
        return MemberFilter(q=data["q"], joined_from=data["joined_from"], joined_to=data["joined_to"],
                            buyers=data["buyers"], distributor=data["distributor"], min_spend_fen=data["min_spend"])


class PointsRulesForm(forms.Form):
    points_enabled = forms.BooleanField(label=_("开启积分"), required=False)
    earn_points_per_yuan = WholeNumberField(label=_("每实付 1 元得积分"), low=0, high=100,
                                            help_text=_("订单确认收货后发放，退款时按退款金额扣回。"))
    redeem_points_per_yuan = forms.TypedChoiceField(
        label=_("多少积分抵 1 元"), coerce=int, choices=[(rate, str(rate)) for rate in REDEEM_RATES])
    redeem_max_share = PercentField(label=_("最多抵扣商品金额的比例（%）"))
    redeem_min_points = WholeNumberField(label=_("满多少积分可用"), low=0, high=1_000_000)
    sign_in_points = WholeNumberField(label=_("每日签到积分"), low=0, high=10_000)
    sign_in_streak_days = WholeNumberField(label=_("连续签到天数"), low=0, high=31,
                                           help_text=_("每连续签到这么多天，额外奖励下面的积分。"))
    sign_in_streak_bonus = WholeNumberField(label=_("连续签到奖励积分"), low=0, high=10_000)
    review_points = WholeNumberField(label=_("评价奖励积分"), low=0, high=10_000,
                                     help_text=_("评价展示后发放，每条评价一次。"))
    expiry = forms.ChoiceField(label=_("积分有效期"), choices=LoyaltySettings.Expiry.choices)
    expiry_days = WholeNumberField(label=_("有效天数（按天过期时）"), low=1, high=3650)
    allow_negative = forms.BooleanField(label=_("退款扣回时允许积分为负"), required=False,
                                        help_text=_("关闭时，已被用掉的积分无法扣回的部分记为核销，余额不会为负。"))

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["redeem_max_share_bp"] = data.pop("redeem_max_share")
        return data


class PointsAdjustForm(forms.Form):
    direction = forms.ChoiceField(label=_("调整"), choices=[("add", _("增加")), ("remove", _("扣减"))])
    points = WholeNumberField(label=_("积分"), low=1, high=10_000_000)
    reason = forms.CharField(label=_("原因"), max_length=200)
    key = forms.CharField(widget=forms.HiddenInput, min_length=8, max_length=64)

    def signed_points(self) -> int:
        return self.cleaned_data["points"] * (1 if self.cleaned_data["direction"] == "add" else -1)


class LevelForm(forms.Form):
    rank = WholeNumberField(label=_("等级（1 为起点）"), low=1, high=MAX_LEVELS)
    name = forms.CharField(label=_("等级名称"), max_length=20)
    spend_fen = YuanField(label=_("消费满（元）"), required=False, help_text=_("周期内确认收货订单的实付，扣除退款。"))
    orders = WholeNumberField(label=_("收货订单数"), low=0, high=100_000, required=False)
    rule = forms.ChoiceField(label=_("升级条件"), choices=MemberLevel.Rule.choices)
    price_off_bp = PercentField(label=_("会员价立减（%）"), required=False, help_text=_("例如 5 表示 95 折。"))
    free_shipping_over_fen = YuanField(label=_("满多少元包邮（元）"), required=False,
                                       help_text=_("留空为不包邮，0 为全场包邮。"))
    points_multiplier_bp = PercentField(label=_("积分倍数（%）"), max_bp=100_000,
                                        help_text=_("100 为 1 倍，150 为 1.5 倍。"))
    early_access_minutes = WholeNumberField(label=_("秒杀提前（分钟）"), low=0, high=1440, required=False)
    birthday_coupon = forms.TypedChoiceField(label=_("生日礼券"), coerce=int, empty_value=None, required=False,
                                             help_text=_("会员生日当天自动发放一张（每年一次）。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["birthday_coupon"]).choices = [("", _("不发"))] + [
            (c.pk, c.name) for c in Coupon.objects.filter(status=Coupon.Status.ACTIVE).order_by("-pk")]

    @staticmethod
    def initial_from(level: MemberLevel | None) -> dict:
        if level is None:
            return {"rule": MemberLevel.Rule.ANY, "points_multiplier_bp": "100"}
        return {"rank": level.rank, "name": level.name, "spend_fen": format_fen(level.spend_fen),
                "orders": level.orders, "rule": level.rule, "price_off_bp": format_fen(level.price_off_bp),
                "free_shipping_over_fen": None if level.free_shipping_over_fen is None else format_fen(
                    level.free_shipping_over_fen),
                "points_multiplier_bp": format_fen(level.points_multiplier_bp), "early_access_minutes":
                    level.early_access_minutes, "birthday_coupon": level.birthday_coupon_id}

    def values(self, level: MemberLevel | None) -> LevelInput:
        data = self.cleaned_data
        return LevelInput(rank=data["rank"], name=data["name"], spend_fen=data["spend_fen"] or 0,
                          orders=data["orders"] or 0, rule=data["rule"], price_off_bp=data["price_off_bp"] or 0,
                          free_shipping_over_fen=data["free_shipping_over_fen"],
                          points_multiplier_bp=data["points_multiplier_bp"],
                          birthday_coupon_id=data["birthday_coupon"],
                          early_access_minutes=data["early_access_minutes"] or 0)


class LevelSetForm(forms.Form):
    rank = forms.TypedChoiceField(label=_("调整为"), coerce=int, choices=[])
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, *args, levels: list[MemberLevel], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["rank"]).choices = [(lv.rank, lv.name) for lv in levels]


class MemberPricesForm(forms.Form):
    """A product's member discount per level: a percent off (0: no member price on it), blank for the level's own."""

    def __init__(self, *args, levels: list[MemberLevel], **kwargs):
        super().__init__(*args, **kwargs)
        for level in levels:
            self.fields[f"level_{level.rank}"] = PercentField(label=level.name, required=False, max_bp=10_000)

    def prices(self) -> dict[int, int | None]:
        return {int(name.removeprefix("level_")): value for name, value in self.cleaned_data.items()}


class RulesForm(forms.Form):
    """RFM-style rules, for a segment or a rule tag; every field may be left blank."""

    paid_within_days = WholeNumberField(label=_("近 N 天购买过"), low=1, high=3650, required=False)
    not_paid_days = WholeNumberField(label=_("近 N 天未购买"), low=1, high=3650, required=False)
    min_orders = WholeNumberField(label=_("订单数不少于"), low=0, high=100_000, required=False)
    max_orders = WholeNumberField(label=_("订单数不多于"), low=0, high=100_000, required=False)
    min_spend_fen = YuanField(label=_("累计消费不低于（元）"), required=False)
    max_spend_fen = YuanField(label=_("累计消费不高于（元）"), required=False)
    level_ranks = forms.TypedMultipleChoiceField(label=_("会员等级"), coerce=int, required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    distributor = forms.ChoiceField(label=_("分销员"), choices=CHOICES_ANY, required=False)
    tag_ids = forms.TypedMultipleChoiceField(label=_("同时带有标签"), coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, levels: list[MemberLevel], tags: list[Tag], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["level_ranks"]).choices = [(lv.rank, lv.name) for lv in levels]
        cast(forms.TypedMultipleChoiceField, self.fields["tag_ids"]).choices = [(t.pk, t.name) for t in tags]

    def rules(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name in RULE_FIELDS}


RULE_FIELDS = ("paid_within_days", "not_paid_days", "min_orders", "max_orders", "min_spend_fen", "max_spend_fen",
               "level_ranks", "distributor", "tag_ids")


class AudienceForm(RulesForm):
    """A segment, or a tag (by hand when ``by_rule`` is off, its rules ignored)."""

    name = forms.CharField(label=_("名称"), max_length=30)
    by_rule = forms.BooleanField(label=_("按条件自动打标签"), required=False)
    field_order = ["name", "by_rule"]
