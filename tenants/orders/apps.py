from django.apps import AppConfig

from core.planes import TENANT


class OrdersConfig(AppConfig):
    name = "tenants.orders"
    label = "orders"
    plane = TENANT
