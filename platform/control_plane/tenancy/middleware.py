"""Host -> tenant resolution, and the gate that closes a suspended or closed store."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_tenants.middleware.main import TenantMainMiddleware

from .models import Tenant
from .selectors import tenant_for_host


class TenantResolutionMiddleware(TenantMainMiddleware):
    """django-tenants' resolution with the host lookup cached in Redis, so a request costs no database
    round-trip to find its tenant. An unknown host is a 404, never the public schema."""

    def get_tenant(self, domain_model, hostname):
        # Host names are case-insensitive (RFC 4343): DEMO-BEAUTY.localhost is the demo-beauty store.
        tenant = tenant_for_host(hostname.lower(), cache_seconds=settings.TENANT_HOST_CACHE_SECONDS)
        if tenant is None:
            raise domain_model.DoesNotExist
        return tenant

    def no_tenant_found(self, request, hostname):
        raise Http404(f"No store at {hostname}")


# Paths a closed store still serves: the merchant must be able to log in, see why and pay.
_ALWAYS_OPEN = ("/console/", "/healthz", "/static/", "/i18n/")
# ...but its console is read-only, except for what it takes to get back in business.
_WRITABLE_WHEN_CLOSED = ("/console/billing/", "/console/login/", "/console/logout/", "/console/handoff/", "/i18n/")
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class StoreStatusMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is None or connection.schema_name == "public":
            return self.get_response(request)
        closed = tenant.status in (Tenant.Status.SUSPENDED, Tenant.Status.CLOSED)
        if closed and not request.path.startswith(_ALWAYS_OPEN):
            return self._closed_response(request, tenant)
        if closed and request.method not in _SAFE_METHODS and not request.path.startswith(_WRITABLE_WHEN_CLOSED):
            return self._read_only_response(tenant)
        return self.get_response(request)

    @staticmethod
    def _read_only_response(tenant: Tenant) -> HttpResponse:
        if tenant.status == Tenant.Status.CLOSED:
            message = _("订阅已结束，后台只能查看。重新订阅后即可继续经营。")
        elif tenant.suspended_by == "billing":
            message = _("店铺因欠费暂停，后台只能查看。付款后自动恢复。")
        else:
            message = _("店铺已被平台暂停，后台只能查看。")
        html = render_to_string("tenancy/console_read_only.html", {"message": message, "store_name": tenant.name})
        return HttpResponse(html, status=403)

    @staticmethod
    def _closed_response(request, tenant: Tenant) -> HttpResponse:
        if tenant.status == Tenant.Status.SUSPENDED:
            code, status = "store_suspended", 503
            message = _("店铺暂停营业，请稍后再来。")
        else:
            code, status = "store_closed", 410
            message = _("店铺已关闭。")
        if request.path.startswith("/api/"):
            return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)
        html = render_to_string("tenancy/store_closed.html", {"message": message, "store_name": tenant.name,
                                                               "code": code}, request=request)
        return HttpResponse(html, status=status)
