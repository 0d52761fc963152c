"""Buying in a flash sale. A crowd is refused cheaply: one Redis script per request answers sold out, over the
buyer's limit, not started or over (one round trip, no database), so only the buyers with a unit in hand reach
the order transaction, where the database, the source of truth, takes the unit again by a conditional update
(campaigns.campaign_purchases_take) and refuses to pass the quota whatever Redis said.

The gate for an item is one Redis hash: the state and window, the units left, each buyer's units and each
admitted idempotency key, and a generation. It is loaded from the database when missing (first request, after
a Redis restart, after the reconcile job drops a drifted one), so a lost or stale gate can only undersell for a
moment, never oversell. A unit the gate gave that no order took (the order failed, or its order was cancelled)
goes back to the gate of the generation that gave it; a newer generation already counted from the database.
Redis unreachable: every request goes to the database path."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_redis import get_redis_connection
from redis.commands.core import Script
from redis.exceptions import RedisError

from core.errors import Conflict, NotFound
from tenants.loyalty.levels import member_level
from tenants.members.models import Member
from tenants.orders.models import Order
from tenants.orders.services import order_create

from .error_codes import MarketingCode
from .models import CampaignPurchase, FlashSale, FlashSaleItem

# KEYS[1] the gate; ARGV: now (epoch s), member id, units, idempotency key, early access (s, the member's level).
# -> {verdict, generation, sku}: 1 admitted, 2 a retry of an admitted key, 0 gate not loaded, -1 sold out,
# -2 over the buyer's limit, -3 not started, -4 closed.
_ADMIT = """
local h = KEYS[1]
local g = redis.call('HMGET', h, 'state', 'starts', 'ends', 'left', 'limit', 'gen', 'sku')
if not g[6] then return {0, '', ''} end
if redis.call('HEXISTS', h, 'k:' .. ARGV[4]) == 1 then return {2, g[6], g[7]} end
local now, units = tonumber(ARGV[1]), tonumber(ARGV[3])
if g[1] ~= 'active' or now >= tonumber(g[3]) then return {-4, g[6], g[7]} end
if now + tonumber(ARGV[5]) < tonumber(g[2]) then return {-3, g[6], g[7]} end
if tonumber(g[4]) < units then return {-1, g[6], g[7]} end
local had = tonumber(redis.call('HGET', h, 'm:' .. ARGV[2]) or '0')
if had + units > tonumber(g[5]) then return {-2, g[6], g[7]} end
redis.call('HINCRBY', h, 'left', -units)
redis.call('HINCRBY', h, 'm:' .. ARGV[2], units)
redis.call('HSET', h, 'k:' .. ARGV[4], units)
return {1, g[6], g[7]}
"""
# KEYS[1] the gate; ARGV: generation, member id, idempotency key. Gives back the key's units, once.
_RELEASE = """
local h = KEYS[1]
if redis.call('HGET', h, 'gen') ~= ARGV[1] then return 0 end
local units = tonumber(redis.call('HGET', h, 'k:' .. ARGV[3]) or '0')
if units == 0 then return 0 end
redis.call('HDEL', h, 'k:' .. ARGV[3])
redis.call('HINCRBY', h, 'left', units)
redis.call('HINCRBY', h, 'm:' .. ARGV[2], -units)
return units
"""
# KEYS[1] the gate; ARGV: expire-at (epoch s), then field, value pairs. Writes only a gate not there yet.
_LOAD = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIREAT', KEYS[1], ARGV[1])
return 1
"""

_REFUSALS = {
    -1: (lambda: _("秒杀商品已抢光。"), MarketingCode.FLASH_SOLD_OUT),
    -2: (lambda: _("秒杀每人限购，你已抢到过了。"), MarketingCode.FLASH_LIMIT_REACHED),
    -3: (lambda: _("秒杀还没开始。"), MarketingCode.FLASH_NOT_STARTED),
    -4: (lambda: _("秒杀已结束。"), MarketingCode.FLASH_CLOSED),
}


# Sent by their SHA (EVALSHA), loaded on first use; the connection is given on each call.
_ADMIT_SCRIPT, _RELEASE_SCRIPT, _LOAD_SCRIPT = (Script(None, source.encode())  # type: ignore[arg-type]
                                                for source in (_ADMIT, _RELEASE, _LOAD))


def _key(item_id: int) -> str:
    return cache.make_key(f"flash-gate:{item_id}")  # the store's schema is in the key


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def flash_gate_load(item_id: int) -> bool:
    """The item's gate from the database (what is left, what each buyer bought), unless one is there already.
    False when the item does not exist."""
    item = FlashSaleItem.objects.select_related("flash_sale").filter(pk=item_id).first()
    if item is None:
        return False
    sale = item.flash_sale
    fields: list[int | str] = ["state", sale.status, "starts", _epoch(sale.starts_at), "ends", _epoch(sale.ends_at),
                    "left", item.quota - item.sold_count, "limit", sale.per_member_limit, "sku", item.sku_id,
                    "gen", secrets.token_hex(8)]
    for member_id, units in (CampaignPurchase.objects.filter(kind=CampaignPurchase.Kind.FLASH, campaign_id=item.pk)
                             .values("member_id").annotate(units=Sum("quantity")).values_list("member_id", "units")):
        fields += [f"m:{member_id}", units]
    _LOAD_SCRIPT([_key(item_id)], [_epoch(sale.ends_at) + 86400, *fields], client=get_redis_connection("default"))
    return True


@dataclass(frozen=True)
class Admission:
    sku_id: int | None  # None: the gate could not say (Redis unreachable); the database decides
    generation: str = ""  # the gate that gave this request its units ("" for a retry: the first request has them)


def flash_admit(*, item_id: int, member_id: int, quantity: int, idempotency_key: str,
                now: datetime | None = None, early_s: int = 0) -> Admission:
    """A unit (or ``quantity``) from the gate, or the refusal (Conflict) that costs no database work. ``early_s``:
    the member's level lets them in this many seconds before the sale starts."""
    now = now or timezone.now()
    try:
        redis = get_redis_connection("default")
        args: list[int | str] = [_epoch(now), member_id, quantity, idempotency_key, early_s]
        verdict, generation, sku = _ADMIT_SCRIPT([_key(item_id)], args, client=redis)
        if verdict == 0:
            if not flash_gate_load(item_id):
                raise NotFound(_("没有这个秒杀商品。"))
            verdict, generation, sku = _ADMIT_SCRIPT([_key(item_id)], args, client=redis)
    except RedisError:
        return Admission(sku_id=None)
    if verdict in _REFUSALS:
        message, code = _REFUSALS[verdict]
        raise Conflict(message(), code=code, fields={"items": [message()]})
    fresh = verdict == 1
    return Admission(sku_id=int(sku), generation=generation.decode() if fresh else "")


def flash_release(*, item_id: int, generation: str, member_id: int, idempotency_key: str) -> None:
    """Give an admitted key's units back to the gate that gave them (once; a newer gate is left alone)."""
    with suppress(RedisError):  # unreachable: the reconcile job reloads a gate that drifted from the database
        _RELEASE_SCRIPT([_key(item_id)], [generation, member_id, idempotency_key],
                        client=get_redis_connection("default"))


def flash_gate_drop(item_id: int) -> None:
    """Forget the item's gate (the next request reloads it from the database)."""
    with suppress(RedisError):
        get_redis_connection("default").delete(_key(item_id))


def flash_gate_left(item_id: int) -> int | None:
    try:
        left = get_redis_connection("default").hget(_key(item_id), "left")
    except RedisError:
        return None
    return None if left is None else int(left)


class MemberGone(Exception):
    """The admitted request's member could not be loaded (inactive, or the sign-in was revoked)."""


def flash_buy(*, member_id: int, load_member: Callable[[], Member | None], item_id: int, quantity: int,
              address_id: int, idempotency_key: str, remark: str = "", device_id: str = "",
              client_ip: str | None = None) -> tuple[Order, bool]:
    """Order ``quantity`` units of a flash-sale item at the flash price. Refused at the gate when sold out,
    over the buyer's limit, not started or over, before the member is even loaded (``load_member`` runs only
    for an admitted request; None gives the units back and raises MemberGone); otherwise placed through the
    usual order path (stock, the quota taken again in the database, the limits counted under the member's
    lock). Returns (order, created) as order_create does, a retry with the same key included."""
    key = (idempotency_key or "").strip()
    try:
        try:
            admission = flash_admit(item_id=item_id, member_id=member_id, quantity=quantity, idempotency_key=key)
        except Conflict as early:
            # Not started: a member whose level opens flash sales early may come in now (one small read, and only
            # before the start).
            if early.code != MarketingCode.FLASH_NOT_STARTED:
                raise
            minutes = member_level(member_id=member_id).early_access_minutes
            if not minutes:
                raise
            admission = flash_admit(item_id=item_id, member_id=member_id, quantity=quantity, idempotency_key=key,
                                    early_s=minutes * 60)
    except Conflict as refusal:
        if refusal.code == MarketingCode.FLASH_LIMIT_REACHED:  # a retry after the gate was reloaded
            order = Order.objects.filter(member_id=member_id, idempotency_key=key).first()
            if order is not None:
                return order, False
        raise
    sku_id = admission.sku_id
    if sku_id is None:
        item = FlashSaleItem.objects.filter(pk=item_id).first()
        if item is None:
            raise NotFound(_("没有这个秒杀商品。"))
        sku_id = item.sku_id
    try:
        member = load_member()
        if member is None or member.pk != member_id:
            raise MemberGone()
        return order_create(member=member, idempotency_key=key, address_id=address_id,
                            items=[{"sku_id": sku_id, "quantity": quantity}], remark=remark, device_id=device_id,
                            client_ip=client_ip, flash_item_id=item_id)
    except Exception:
        if admission.generation:
            flash_release(item_id=item_id, generation=admission.generation, member_id=member_id,
                          idempotency_key=key)
        raise


def flash_units_returned(*, order_id: int, member_id: int, item_ids: list[int]) -> None:
    """After a cancelled flash order commits, its units go back to the gates (the database already has them)."""
    key = Order.objects.filter(pk=order_id).values_list("idempotency_key", flat=True).first()
    if key is None:
        return

    def give_back() -> None:
        for item_id in item_ids:
            try:
                generation = get_redis_connection("default").hget(_key(item_id), "gen")
            except RedisError:
                return
            if generation is not None:
                flash_release(item_id=item_id, generation=generation.decode(), member_id=member_id,
                              idempotency_key=key)

    transaction.on_commit(give_back)


def flash_state_changed(sale: FlashSale) -> None:
    """After a flash sale is paused, resumed or ended commits, its gates reload with the new state."""
    item_ids = list(sale.items.values_list("pk", flat=True))

    def drop() -> None:
        for item_id in item_ids:
            flash_gate_drop(item_id)

    transaction.on_commit(drop)


def flash_reconcile(*, now: datetime | None = None) -> int:
    """Drop every running item's gate whose units left differ from the database's (a worker that died between
    the gate and the order kept a unit): the next request reloads it. Returns how many were dropped."""
    now = now or timezone.now()
    dropped = 0
    for item in FlashSaleItem.objects.filter(flash_sale__status=FlashSale.Status.ACTIVE,
                                             flash_sale__ends_at__gt=now):
        left = flash_gate_left(item.pk)
        if left is not None and left != item.quota - item.sold_count:
            flash_gate_drop(item.pk)
            dropped += 1
    return dropped
