"""The H5 storefront for shoppers in a browser. Server-rendered from the store's layout."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from control_plane.tenancy.requests import StoreRequest
from tenants.storefront.selectors import storefront_layout_get


@require_GET
def home(request: StoreRequest) -> HttpResponse:
    layout = storefront_layout_get()
    return render(request, "h5/home.html", {"store": request.tenant, "layout": layout})
