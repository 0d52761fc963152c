"""The request a store's host serves, as the views that run there see it."""

from __future__ import annotations

from django.http import HttpRequest

from .models import Tenant


class StoreRequest(HttpRequest):
    """A request on a store's host: django-tenants' middleware has resolved the store it is for (and set the
    connection to its schema). For annotations only; the middleware sets ``tenant`` on Django's request."""

    tenant: Tenant
