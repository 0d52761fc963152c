"""Parcel tracking behind a small provider interface (settings.TRACKING_PROVIDER). The default is a local
fake that moves a parcel along with time — shipped, in transit after an hour, out for delivery after a
day, signed after thirty hours — so development and tests need no courier account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from .models import Shipment, TrackingEvent


@dataclass(frozen=True)
class TrackingUpdate:
    status: str
    description: str
    occurred_at: datetime
    location: str = ""


class TrackingProvider(Protocol):
    def poll(self, *, carrier_code: str, tracking_no: str, shipped_at: datetime,
             now: datetime) -> list[TrackingUpdate]: ...


class FakeTrackingProvider:
    STEPS = (
        (timedelta(0), Shipment.Status.SHIPPED, "商家已发货", "发货仓"),
        (timedelta(hours=1), Shipment.Status.IN_TRANSIT, "快件已揽收，运输中", "转运中心"),
        (timedelta(hours=24), Shipment.Status.OUT_FOR_DELIVERY, "快递员正在派送", "派送站"),
        (timedelta(hours=30), Shipment.Status.SIGNED, "已签收", "收件地址"),
    )

    def poll(self, *, carrier_code: str, tracking_no: str, shipped_at: datetime,
             now: datetime) -> list[TrackingUpdate]:
        return [TrackingUpdate(status=status, description=text, occurred_at=shipped_at + after, location=where)
                for after, status, text, where in self.STEPS if shipped_at + after <= now]


def tracking_provider() -> TrackingProvider:
    return import_string(settings.TRACKING_PROVIDER)()


@transaction.atomic
def shipment_refresh(*, shipment: Shipment, now: datetime, provider: TrackingProvider | None = None) -> int:
    """Store any tracking events not seen yet; returns how many were new."""
    updates = (provider or tracking_provider()).poll(carrier_code=shipment.carrier_code,
                                                    tracking_no=shipment.tracking_no,
                                                    shipped_at=shipment.shipped_at, now=now)
    new = 0
    for update in updates:
        try:
            with transaction.atomic():
                TrackingEvent.objects.create(shipment=shipment, status=update.status, description=update.description,
                                             location=update.location, occurred_at=update.occurred_at)
            new += 1
        except IntegrityError:  # seen before
            continue
    if updates:
        shipment.status = updates[-1].status
    shipment.last_polled_at = now
    shipment.save(update_fields=["status", "last_polled_at"])
    return new
