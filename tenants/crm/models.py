"""The merchant's audiences: member tags (by hand, or given by rules the store's worker applies every night) and
segments built from RFM-style rules — the members coupons are given to and messages sent to."""

from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=20, unique=True)
    rules = models.JSONField(default=dict, blank=True)  # empty: given by hand; else the rules that give it
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MemberTag(models.Model):
    member_id = models.BigIntegerField()
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="members")
    by_rule = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member_id", "tag"], name="crm_tag_a_member_once")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.tag_id}"


class Segment(models.Model):
    name = models.CharField(max_length=30, unique=True)
    rules = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
