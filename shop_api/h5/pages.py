"""What every H5 page renders with: the store, its layout (theme, tab bar) and the page's own values."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from control_plane.tenancy.requests import StoreRequest
from tenants.storefront.selectors import storefront_shown


def store_context(request: StoreRequest, **values) -> dict:
    return {"store": request.tenant, "layout": storefront_shown(), **values}


def render_page(request: StoreRequest, template: str, *, status: int = 200, **values) -> HttpResponse:
    return render(request, template, store_context(request, **values), status=status)
