from django.apps import AppConfig

from core.planes import TENANT


class LedgerConfig(AppConfig):
    name = "tenants.ledger"
    label = "ledger"
    verbose_name = "Ledger"
    plane = TENANT
