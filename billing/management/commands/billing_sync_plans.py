"""Make Stripe's Products and Prices match the plans (run after editing a plan; `make run` runs it)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from billing.gateway import StripeError
from billing.sync import plan_sync, plans_to_sync


class Command(BaseCommand):
    help = "Create or update the Stripe Product and Prices of every plan."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args, **options):
        plans = plans_to_sync()
        for plan in tqdm(plans, desc="syncing plans", unit="plan", disable=options["no_progress"] or not plans):
            try:
                plan_sync(plan)
            except StripeError as exc:
                # Connection failures are StripeErrors too (APIConnectionError).
                raise CommandError(f"plan {plan.code}: the Stripe sync failed: {exc.user_message or exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"{len(plans)} plans in step with Stripe"))
