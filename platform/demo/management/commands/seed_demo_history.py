"""Give each demo store its promotions running now (demo.promotions) and its last ninety days (demo.history), the
latter through the WeChat sandboxes run in this process.
Idempotent: a store that has its history is left alone; each store's history is written whole or not at all.
Run after infra/demo_sandbox.py, which puts the demo stores' WeChat accounts in sandbox mode."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_tenants.utils import schema_context
from tqdm import tqdm

from control_plane.tenancy.models import Tenant
from demo.history import history_exists, history_seed
from demo.management.commands.seed_demo import DEMO_STORES
from demo.promotions import promotions_seed
from sandbox import server as sandbox_server
from tenants.ledger.selectors import ledger_reconcile


class Command(BaseCommand):
    help = "Live the demo stores' last ninety days through the platform's services (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--shoppers", type=int, default=200)
        parser.add_argument("--distributors", type=int, default=30)
        parser.add_argument("--sandbox-keys", type=Path, default=Path(settings.REPO_DIR) / ".run" / "sandbox")

    def handle(self, *args, **options):
        server, _thread = sandbox_server.serve(0)
        sandbox_server.APPS["/wechatpay"] = gateway = sandbox_server.wechatpay_from_folder(options["sandbox_keys"])
        base = f"http://127.0.0.1:{server.server_port}"
        settings.WECHAT_SANDBOX_BASE, settings.WECHATPAY_SANDBOX_BASE = f"{base}/wechat/", f"{base}/wechatpay"
        try:
            for slug, _name, _template in DEMO_STORES:
                tenant = Tenant.objects.filter(slug=slug).first()
                if tenant is None:
                    continue
                with schema_context(tenant.schema_name):
                    with transaction.atomic():
                        if promotions_seed():
                            self.stdout.write(f"{slug}: promotions running")
                    if history_exists():
                        self.stdout.write(f"{slug}: history already there")
                        continue
                    started = time.monotonic()
                    with transaction.atomic(), tqdm(desc=f"{slug} 90 days", unit=" events", leave=False) as bar:
                        done = history_seed(gateway=gateway, days=options["days"], shoppers=options["shoppers"],
                                            distributors=options["distributors"], seed=slug, progress=bar.update,
                                            notify_url=f"http://{slug}.localhost/api/v1/payments/wechatpay/notify/")
                        if not ledger_reconcile().ok:  # inside the store's transaction: nothing is kept
                            raise CommandError(f"{slug}: the ledger does not reconcile")
                    self.stdout.write(f"{slug}: {dict(done)} in {time.monotonic() - started:.1f}s")
        finally:
            server.shutdown()
        self.stdout.write(self.style.SUCCESS("demo history ready"))
