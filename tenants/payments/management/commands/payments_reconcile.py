"""Every store's WeChat Pay payments against its orders: the money taken that pays no order (each should be on
its way back) and the notifications waiting in the review queue.

    python manage.py payments_reconcile [--store SLUG] [--fail-if-owed]

Prints one line per finding and a summary; with ``--fail-if-owed`` exits 1 while a payment that pays no order
has no refund under way (money owed to a shopper), for a monitoring job."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context
from tqdm import tqdm

from tenants.payments.models import Refund
from tenants.payments.selectors import payment_issues_open, payments_without_paid_order


class Command(BaseCommand):
    help = "List payments that pay no order and open payment issues, store by store."

    def add_arguments(self, parser):
        parser.add_argument("--store", help="only this store (its slug)")
        parser.add_argument("--fail-if-owed", action="store_true",
                            help="exit 1 if a payment that pays no order has no refund under way")

    def handle(self, *args, **options):
        with schema_context(get_public_schema_name()):
            stores = get_tenant_model().objects.exclude(schema_name=get_public_schema_name()).filter(purged_at=None)
            if options["store"]:
                stores = stores.filter(slug=options["store"])
            stores = list(stores.order_by("pk"))
        if options["store"] and not stores:
            raise CommandError(f"no store {options['store']!r}")
        owed = returning = issues = 0
        for store in tqdm(stores, desc="stores", unit="store", file=sys.stderr):
            with schema_context(store.schema_name):
                for payment in payments_without_paid_order():
                    refunds = [r for r in payment.refunds.all() if r.status != Refund.Status.FAILED]
                    state = refunds[0].get_status_display() if refunds else "NO REFUND"
                    owed += not refunds
                    returning += bool(refunds)
                    self.stdout.write(f"{store.slug}\tpayment\t{payment.out_trade_no}\t"
                                      f"{payment.received_fen or payment.amount_fen}\t{payment.order.status}\t{state}")
                for issue in payment_issues_open():
                    issues += 1
                    self.stdout.write(f"{store.slug}\tissue\t{issue.kind}\t{issue.reference}\t{issue.detail}")
        self.stdout.write(f"payments_owed={owed} payments_returning={returning} issues_open={issues}")
        if options["fail_if_owed"] and owed:
            raise CommandError(f"{owed} payment(s) pay no order and have no refund under way")
