"""Drop the data of stores closed for longer than the retention period (BILLING_RETENTION_DAYS)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone
from tqdm import tqdm

from control_plane.tenancy.selectors import tenants_due_for_purge
from control_plane.tenancy.services import tenant_purge


class Command(BaseCommand):
    help = "Drop schemas and domains of stores closed longer than the retention period; registry rows stay."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the stores, change nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args, **options):
        now = timezone.now()
        due = tenants_due_for_purge(now=now)
        if options["dry_run"]:
            for tenant in due:
                self.stdout.write(f"{tenant.slug}\tclosed {tenant.closed_at:%Y-%m-%d}\t"
                                  f"retention ended {tenant.data_kept_until:%Y-%m-%d}")
            self.stdout.write(f"{len(due)} stores would be purged")
            return
        for tenant in tqdm(due, desc="purging stores", unit="store", disable=options["no_progress"] or not due):
            tenant_purge(tenant=tenant, now=now)
        self.stdout.write(self.style.SUCCESS(f"{len(due)} stores purged"))
