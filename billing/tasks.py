"""Billing's periodic work (control plane: runs in the public schema, never fanned out to stores)."""

from __future__ import annotations

from celery import shared_task

from .services import billing_dunning


@shared_task(name="billing.tasks.dunning")
def dunning() -> dict[str, int]:
    return billing_dunning()
