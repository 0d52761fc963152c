"""Properties over random networks, rules and order/refund sequences: journals always balance, nothing is
paid past the third level (or the store's level setting), refunds take back exactly what the refunded
part earned, and balances equal the sum of their entries."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenants.distribution.calculations import clawback_target_fen
from tenants.distribution.models import Binding, Commission, DistributionSettings
from tenants.distribution.services import commission_accrue_for_order, commission_clawback_for_refund
from tenants.ledger.selectors import ledger_reconcile
from tenants.orders.models import OrderLine
from tests.factories import MemberFactory
from tests.tenants.distribution.builders import make_distributor, make_paid_order, publish_rates

scenarios = st.fixed_dictionaries({
    "levels": st.integers(1, 3),
    "depth": st.integers(1, 6),
    "rates": st.lists(st.integers(0, 3000), min_size=3, max_size=3),
    "orders": st.lists(st.tuples(st.lists(st.integers(1, 10**6), min_size=1, max_size=3),
                                 st.integers(0, 5), st.floats(0, 1)), min_size=1, max_size=4),
})


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenarios)
def test_random_networks_orders_and_refunds_keep_the_books_exact(in_alpha, scenario):
    with transaction.atomic():
        DistributionSettings.objects.update_or_create(singleton=1, defaults={"levels": scenario["levels"]})
        publish_rates(rates={level: (bp, bp) for level, bp in enumerate(scenario["rates"], start=1)})
        chain = [make_distributor()]
        for _ in range(scenario["depth"] - 1):
            chain.append(make_distributor(parent=chain[-1]))
        seller_of: dict[int, int] = {}
        for prices, seller_index, refund_share in scenario["orders"]:
            buyer = MemberFactory()
            seller = min(seller_index, len(chain) - 1)
            Binding.objects.create(member=buyer, distributor=chain[seller], source="qr", bound_at=timezone.now())
            order = make_paid_order(member=buyer, line_prices=prices)
            seller_of[order.pk] = seller
            commission_accrue_for_order(order_id=order.pk)
            for line in order.lines.all():  # refund a share of every line, then possibly the rest
                partial = int(line.paid_fen * refund_share)
                OrderLine.objects.filter(pk=line.pk).update(refunded_fen=partial)
                commission_clawback_for_refund(order_id=order.pk)
                if refund_share > 0.5:
                    OrderLine.objects.filter(pk=line.pk).update(refunded_fen=F("paid_fen"))
                    commission_clawback_for_refund(order_id=order.pk)

        assert not Commission.objects.filter(level__gt=scenario["levels"]).exists()
        for commission in Commission.objects.all():
            line = OrderLine.objects.get(pk=commission.order_line_id)
            expected = clawback_target_fen(amount_fen=commission.amount_fen, line_paid_fen=line.paid_fen,
                                           line_refunded_fen=line.refunded_fen)
            assert commission.clawed_back_fen == expected
            # Level L goes to the seller's (L-1)-th ancestor, nobody else.
            assert commission.distributor_id == chain[seller_of[commission.order_id] - (commission.level - 1)].pk
        report = ledger_reconcile()
        assert report.ok, report
        transaction.set_rollback(True)
