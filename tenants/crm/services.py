"""Audiences from rules: who bought lately or not for a while, how often, how much, at which level, distributing
or not, with which tags (RFM-style). A segment is a named set of rules; a rule tag is given to every member its
rules match, every night, and taken from those they no longer match; a manual tag is given by staff."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound, ValidationFailed
from core.money import format_fen
from tenants.analytics.members import members_for_console
from tenants.loyalty.levels import member_levels
from tenants.loyalty.models import MemberStanding
from tenants.members.models import Member

from .models import MemberTag, Segment, Tag

MAX_DAYS = 3650


@dataclass(frozen=True)
class Rules:
    paid_within_days: int | None = None  # R: paid an order in the last N days
    not_paid_days: int | None = None  # R: no paid order in the last N days (lapsed, or never)
    min_orders: int | None = None  # F: paid orders, at least
    max_orders: int | None = None
    min_spend_fen: int | None = None  # M: spend net of refunds, at least
    max_spend_fen: int | None = None
    level_ranks: list[int] = field(default_factory=list)  # at one of these levels
    distributor: str = ""  # "yes", "no", or "" for either
    tag_ids: list[int] = field(default_factory=list)  # holding every one of these tags

    def as_json(self) -> dict:
        return {name: value for name, value in asdict(self).items() if value not in (None, "", [])}


def rules_checked(raw: dict) -> Rules:
    """The rules as given, each field checked; refused with field errors (nothing saved)."""
    fields: dict[str, list[str]] = {}
    given: dict[str, Any] = {name: raw[name] for name in Rules.__dataclass_fields__ if raw.get(name) not in (None, "")}
    rules = Rules(**given)
    for name in ("paid_within_days", "not_paid_days"):
        value = getattr(rules, name)
        if value is not None and not 1 <= value <= MAX_DAYS:
            fields[name] = [_("天数须在 1 到 %(max)s 之间。") % {"max": MAX_DAYS}]
    if rules.paid_within_days and rules.not_paid_days and rules.not_paid_days <= rules.paid_within_days:
        fields["not_paid_days"] = [_("“近 N 天未购买”须长于“近 N 天购买过”，否则没有会员能同时满足。")]
    for low, high in (("min_orders", "max_orders"), ("min_spend_fen", "max_spend_fen")):
        if getattr(rules, low) is not None and getattr(rules, high) is not None and getattr(rules, low) > getattr(
                rules, high):
            fields[high] = [_("上限不能小于下限。")]
    ranks = {level.rank for level in member_levels()}
    if any(rank not in ranks for rank in rules.level_ranks):
        fields["level_ranks"] = [_("没有这个等级。")]
    if rules.distributor not in ("", "yes", "no"):
        fields["distributor"] = [_("请选择是否分销员。")]
    if rules.tag_ids and Tag.objects.filter(pk__in=rules.tag_ids).count() != len(set(rules.tag_ids)):
        fields["tag_ids"] = [_("没有这个标签。")]
    if not rules.as_json():
        fields["paid_within_days"] = [_("请至少设置一个条件。")]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    return rules


def members_matching(rules: Rules, *, now: datetime | None = None) -> QuerySet[Member]:
    """The active members the rules match, with the member list's figures."""
    now = now or timezone.now()
    # Any: the figures are annotations of members_for_console, which the type checker does not follow.
    members: Any = members_for_console().filter(is_active=True).annotate(rank=Coalesce(
        Subquery(MemberStanding.objects.filter(member_id=OuterRef("pk")).values("rank")[:1]), Value(1),
        output_field=IntegerField()))
    if rules.paid_within_days:
        members = members.filter(last_paid_at__gte=now - timedelta(days=rules.paid_within_days))
    if rules.not_paid_days:
        members = members.exclude(last_paid_at__gte=now - timedelta(days=rules.not_paid_days))
    for name, lookup in (("min_orders", "order_count__gte"), ("max_orders", "order_count__lte"),
                         ("min_spend_fen", "spend_fen__gte"), ("max_spend_fen", "spend_fen__lte")):
        if getattr(rules, name) is not None:
            members = members.filter(**{lookup: getattr(rules, name)})
    if rules.level_ranks:
        members = members.filter(rank__in=rules.level_ranks)
    if rules.distributor == "yes":
        members = members.filter(distributor_code__isnull=False)
    elif rules.distributor == "no":
        members = members.filter(distributor_code__isnull=True)
    for tag_id in rules.tag_ids:
        members = members.filter(Exists(MemberTag.objects.filter(member_id=OuterRef("pk"), tag_id=tag_id)))
    return members


def segment_member_ids(*, segment_id: int) -> list[int]:
    segment = Segment.objects.filter(pk=segment_id).first()
    if segment is None:
        raise NotFound(_("没有这个分群。"))
    return list(members_matching(Rules(**segment.rules)).order_by("pk").values_list("pk", flat=True))


def _checked(raw_name: str, model: type[Tag] | type[Segment], pk: int | None,
             rules: dict | None) -> tuple[str, Rules | None]:
    """The name and the rules, both checked, every refusal together."""
    fields: dict[str, list[str]] = {}
    checked = None
    if rules is not None:
        try:
            checked = rules_checked(rules)
        except ValidationFailed as refusal:
            fields.update(refusal.fields)
    name = raw_name.strip()
    same = model.objects.filter(name=name)
    if not name:
        fields["name"] = [_("请填写名称。")]
    elif (same.exclude(pk=pk) if pk is not None else same).exists():
        fields["name"] = [_("已有同名的。")]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    return name, checked


@transaction.atomic
def segment_save(*, segment: Segment | None, name: str, rules: dict) -> Segment:
    segment = segment or Segment()
    segment.name, checked = _checked(name, Segment, segment.pk, rules)
    segment.rules = checked.as_json() if checked else {}
    segment.save()
    return segment


@transaction.atomic
def tag_save(*, tag: Tag | None, name: str, rules: dict | None = None) -> Tag:
    """A tag: by hand (no rules), or given by rules (applied at once, and every night after)."""
    tag = tag or Tag()
    tag.name, checked = _checked(name, Tag, tag.pk, rules or None)
    tag.rules = checked.as_json() if checked else {}
    tag.save()
    if checked is not None:
        tags_apply_rules(tag_ids=[tag.pk])
    return tag


def member_tag_set(*, member_id: int, tag_id: int, on: bool) -> None:
    """Staff give or take a manual tag (a rule tag follows its rules)."""
    tag = Tag.objects.filter(pk=tag_id, rules={}).first()
    if tag is None:
        raise ValidationFailed(_("只能手动设置手动标签。"), fields={"tag": [_("只能手动设置手动标签。")]})
    if not on:
        MemberTag.objects.filter(member_id=member_id, tag=tag).delete()
        return
    try:
        with transaction.atomic():
            MemberTag.objects.create(member_id=member_id, tag=tag)
    except IntegrityError:
        pass  # tagged already


def tags_apply_rules(*, tag_ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Every rule tag given to the members its rules match now and taken from the others; returns the changes."""
    changed = 0
    tags = Tag.objects.exclude(rules={})
    for tag in tags.filter(pk__in=tag_ids) if tag_ids is not None else tags:
        with transaction.atomic():
            matching = set(members_matching(Rules(**tag.rules), now=now).values_list("pk", flat=True))
            held = set(MemberTag.objects.filter(tag=tag).values_list("member_id", flat=True))
            changed += MemberTag.objects.filter(tag=tag, member_id__in=held - matching).delete()[0]
            MemberTag.objects.bulk_create([MemberTag(member_id=pk, tag=tag, by_rule=True)
                                           for pk in sorted(matching - held)], ignore_conflicts=True)
            changed += len(matching - held)
    return changed


def audiences_counted() -> list[tuple[Segment, str, int]]:
    """Each segment with its rules in words and how many members it holds now."""
    return [(segment, rules_described(segment.rules), members_matching(Rules(**segment.rules)).count())
            for segment in Segment.objects.all()]


def tags_counted() -> list[tuple[Tag, str, int]]:
    """Each tag with its rules in words ("" for a manual tag) and how many members hold it."""
    return [(tag, rules_described(tag.rules) if tag.rules else "", tag.member_count)
            for tag in Tag.objects.annotate(member_count=Count("members"))]


def member_tags(*, member_id: int) -> list[Tag]:
    return list(Tag.objects.filter(members__member_id=member_id))


@transaction.atomic
def segment_delete(*, segment_id: int) -> None:
    Segment.objects.filter(pk=segment_id).delete()


@transaction.atomic
def tag_delete(*, tag_id: int) -> None:
    """Remove a tag and take it from its members; refused while a segment's or a rule tag's rules use it."""
    users = [s.name for s in Segment.objects.all() if tag_id in s.rules.get("tag_ids", [])]
    users += [t.name for t in Tag.objects.exclude(pk=tag_id) if tag_id in t.rules.get("tag_ids", [])]
    if users:
        message = _("标签正被「%(names)s」的条件使用，请先修改它们。") % {"names": "、".join(users)}
        raise ValidationFailed(message, fields={"tag": [message]})
    Tag.objects.filter(pk=tag_id).delete()


def rules_described(rules: dict) -> str:
    """The rules in words, for the screens: "近 30 天购买过 · 订单数 ≥ 2"."""
    names = {level.rank: level.name for level in member_levels()}
    tag_names = dict(Tag.objects.filter(pk__in=rules.get("tag_ids", [])).values_list("pk", "name"))
    parts = []
    for key, text in (("paid_within_days", _("近 %(v)s 天购买过")), ("not_paid_days", _("近 %(v)s 天未购买")),
                      ("min_orders", _("订单数 ≥ %(v)s")), ("max_orders", _("订单数 ≤ %(v)s"))):
        if rules.get(key) is not None:
            parts.append(text % {"v": rules[key]})
    for key, text in (("min_spend_fen", _("消费 ≥ ¥%(v)s")), ("max_spend_fen", _("消费 ≤ ¥%(v)s"))):
        if rules.get(key) is not None:
            parts.append(text % {"v": format_fen(rules[key])})
    if rules.get("level_ranks"):
        parts.append(_("等级：%(v)s") % {"v": "、".join(names.get(rank, str(rank)) for rank in rules["level_ranks"])})
    if rules.get("distributor"):
        parts.append(_("分销员") if rules["distributor"] == "yes" else _("非分销员"))
    if rules.get("tag_ids"):
        parts.append(_("标签：%(v)s") % {"v": "、".join(tag_names.get(pk, "?") for pk in rules["tag_ids"])})
    return " · ".join(parts)
