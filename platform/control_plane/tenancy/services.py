"""Tenant lifecycle: sign-up and provisioning, suspension and resumption."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from billing.limits import plan_feature_check, plan_limits_for, plan_limits_of
from control_plane.storefront_templates.models import StorefrontTemplate
from control_plane.storefront_templates.selectors import TemplateSnapshot, template_get_active
from core import events
from core.errors import Conflict, IllegalTransition, PlanLimitReached, RateLimited, ValidationFailed

from . import provisioning
from .events import StoreOpened, StoreTemplate, StoreTemplateSwitched, TenantProvisioned
from .models import Domain, Tenant
from .selectors import slug_availability_problems
from .validators import (
    normalize_owner_login,
    normalize_slug,
    owner_login_problems,
    schema_name_for,
)

logger = logging.getLogger(__name__)

_DOMAIN = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
HANDOFF_SALT = "tenancy.console-handoff"
HANDOFF_MAX_AGE_S = 120


@dataclass(frozen=True)
class SignupResult:
    tenant: Tenant
    owner_user_id: int
    console_handoff_url: str


def tenant_host(tenant: Tenant) -> str:
    return f"{tenant.slug}.{settings.PLATFORM_DOMAIN}"


def tenant_base_url(tenant: Tenant) -> str:
    port = settings.PLATFORM_PORT
    suffix = f":{port}" if port and port not in {"80", "443"} else ""
    return f"{settings.PLATFORM_SCHEME}://{tenant_host(tenant)}{suffix}"


def signup_rate_check(*, client_ip: str) -> None:
    """At most SIGNUP_RATE_LIMIT provisioning attempts per IP per window (a fixed window in Redis)."""
    key = f"signup-rate:{client_ip}"
    cache.add(key, 0, timeout=settings.SIGNUP_RATE_WINDOW_S)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the key vanished (Redis flushed): fail open rather than refuse sign-ups
        return
    # None: Redis is unreachable (its errors are ignored, see CACHES) — fail open here too.
    if attempts is not None and attempts > settings.SIGNUP_RATE_LIMIT:
        raise RateLimited(_("注册过于频繁，请稍后再试。"))


def _signup_problems(*, name: str, slug: str, owner_login: str, password: str, template_code: str,
                     plan_code: str) -> dict:
    fields: dict[str, list[str]] = {}
    if not name or len(name) > 60:
        fields["store_name"] = [_("请填写店铺名称（最多 60 个字）。")]
    if problems := slug_availability_problems(slug):
        fields["slug"] = problems
    if problems := owner_login_problems(owner_login):
        fields["owner_login"] = problems
    try:
        validate_password(password)
    except ValidationError as exc:
        fields["password"] = list(exc.messages)
    template = template_get_active(code=template_code)
    if template is None:
        fields["template"] = [_("请选择一个店铺模板。")]
    limits = plan_limits_of(code=plan_code)
    if limits is None:
        fields["plan"] = [_("请选择一个套餐。")]
    elif template is not None and not limits.allows_template(template_code):
        fields["template"] = [_("「%(plan)s」不含模板「%(template)s」，请换一个模板或套餐。") % {
            "plan": limits.plan_name, "template": template.name}]
    return fields


def tenant_signup(*, store_name: str, slug: str, owner_login: str, password: str, template_code: str,
                  client_ip: str, plan_code: str = "", provision_by_clone: bool = True) -> SignupResult:
    """Create a store: tenant row, domain, schema (cloned from the base schema), template layout, the
    owner's console login and the trial of the chosen plan (the platform's trial plan when none is chosen),
    all in one transaction. If anything fails nothing is left behind: PostgreSQL
    DDL is transactional, so the new schema is rolled back with the rows."""
    store_name = store_name.strip()
    slug = normalize_slug(slug)
    owner_login = normalize_owner_login(owner_login)
    plan_code = plan_code or settings.BILLING_TRIAL_PLAN
    fields = _signup_problems(name=store_name, slug=slug, owner_login=owner_login, password=password,
                              template_code=template_code, plan_code=plan_code)
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    signup_rate_check(client_ip=client_ip)
    template = template_get_active(code=template_code)
    assert template is not None  # checked above

    try:
        with transaction.atomic():
            tenant = tenant_provision(slug=slug, name=store_name, template_code=template_code,
                                      owner_login=owner_login, plan_code=plan_code, by_clone=provision_by_clone)
            with schema_context(tenant.schema_name):
                events.publish(StoreOpened(schema_name=tenant.schema_name, template=store_template(template),
                                           owner_login=owner_login, owner_password=password))
                owner = get_user_model().objects.get(username=owner_login)  # made by the staff app, just now
                handoff_url = _handoff_url(tenant=tenant, user_id=owner.pk)
    except IntegrityError:
        # Two sign-ups raced for the same slug: the loser gets the same field error as a slow typist.
        raise ValidationFailed(_("请修正标出的字段。"),
                               fields={"slug": [_("这个域名前缀已被使用，请换一个。")]}) from None
    logger.info("tenant signed up", extra={"tenant_slug": slug})
    return SignupResult(tenant=tenant, owner_user_id=owner.pk, console_handoff_url=handoff_url)


def store_template(template: TemplateSnapshot) -> StoreTemplate:
    """A catalog template as the plain data a store copies."""
    return StoreTemplate(code=template.code, version=template.version, theme=template.theme, layout=template.layout)


def tenant_provision(*, slug: str, name: str, template_code: str, owner_login: str = "", plan_code: str = "",
                     by_clone: bool = True) -> Tenant:
    """The tenant row, its platform domain and its schema. Call inside a transaction."""
    schema_name = schema_name_for(slug)
    tenant = Tenant.objects.create(
        schema_name=schema_name, slug=slug, name=name, owner_login=owner_login,
        template=StorefrontTemplate.objects.get(code=template_code),
    )
    Domain.objects.create(domain=tenant_host(tenant), tenant=tenant, is_primary=True)
    if by_clone:
        provisioning.schema_create_by_clone(schema_name)
    else:
        provisioning.schema_create_by_migration(schema_name)
    events.publish(TenantProvisioned(tenant_id=tenant.pk, plan_code=plan_code))
    return tenant


def store_link_make(*, tenant: Tenant, path: str, salt: str, data: dict, max_age_s: int) -> str:
    """A signed, single-use link to ``path`` on the store's own host, valid ``max_age_s`` seconds. Its nonce
    is kept under the store's cache prefix once the calling transaction commits, so only that host can
    redeem it, once."""
    nonce = secrets.token_urlsafe(16)

    def remember() -> None:
        with schema_context(tenant.schema_name):
            cache.set(f"link:{salt}:{nonce}", 1, timeout=max_age_s)

    transaction.on_commit(remember)
    token = signing.dumps({**data, "s": tenant.schema_name, "n": nonce}, salt=salt)
    return f"{tenant_base_url(tenant)}{path}?token={token}"


def store_link_redeem(*, token: str, salt: str, schema_name: str, max_age_s: int) -> dict | None:
    """The data of a link made by ``store_link_make``, or None if forged, expired, used or for another store."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age_s)
    except signing.BadSignature:
        return None
    if data.get("s") != schema_name:
        return None
    with schema_context(schema_name):
        if not cache.delete(f"link:{salt}:{data['n']}"):
            return None
    return data


def _handoff_url(*, tenant: Tenant, user_id: int) -> str:
    """A single-use, two-minute link that logs the new owner into the console on the tenant's own host
    (the sign-up page is on the platform host, whose cookies the tenant host never sees)."""
    return store_link_make(tenant=tenant, path="/console/handoff/", salt=HANDOFF_SALT, data={"u": user_id},
                           max_age_s=HANDOFF_MAX_AGE_S)


def handoff_redeem(*, token: str, schema_name: str) -> int | None:
    """The user id a handoff token logs in, or None if it is forged, expired, used or for another store."""
    data = store_link_redeem(token=token, salt=HANDOFF_SALT, schema_name=schema_name, max_age_s=HANDOFF_MAX_AGE_S)
    return int(data["u"]) if data else None


@transaction.atomic
def tenant_suspend(*, tenant: Tenant, reason: str) -> Tenant:
    """Close the storefront and API of a store; its data stays intact."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("请填写暂停原因。"), fields={"reason": [_("请填写暂停原因。")]})
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if tenant.is_public:
        raise Conflict(_("平台本身不能被暂停。"))
    if tenant.status in {Tenant.Status.SUSPENDED, Tenant.Status.CLOSED}:
        raise IllegalTransition(_("店铺当前状态为“%(status)s”，不能暂停。") % {"status": tenant.get_status_display()})
    tenant.status_before_suspension = tenant.status
    tenant.status = Tenant.Status.SUSPENDED
    tenant.suspended_by = "operator"
    tenant.suspension_reason = reason[:300]
    tenant.save(update_fields=["status", "status_before_suspension", "suspended_by", "suspension_reason",
                               "updated_at"])
    return tenant


@transaction.atomic
def tenant_resume(*, tenant: Tenant) -> Tenant:
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if tenant.status != Tenant.Status.SUSPENDED:
        raise IllegalTransition(_("只有已暂停的店铺可以恢复。"))
    if tenant.suspended_by == "billing":
        raise IllegalTransition(_("店铺因欠费暂停，付款后会自动恢复。"))
    tenant.status = tenant.status_before_suspension or Tenant.Status.ACTIVE
    tenant.status_before_suspension = ""
    tenant.suspended_by = ""
    tenant.suspension_reason = ""
    tenant.save(update_fields=["status", "status_before_suspension", "suspended_by", "suspension_reason",
                               "updated_at"])
    return tenant


@transaction.atomic
def tenant_switch_template(*, tenant: Tenant, template_code: str) -> None:
    """Give the store a fresh copy of another catalog template and record the choice in the registry."""
    template = template_get_active(code=template_code)
    if template is None:
        raise ValidationFailed(_("请选择一个模板。"), fields={"template": [_("请选择一个模板。")]})
    limits = plan_limits_for(schema_name=tenant.schema_name)
    if not limits.allows_template(template_code):
        message = _("当前套餐「%(plan)s」不能使用模板「%(template)s」，请升级套餐。") % {
            "plan": limits.plan_name, "template": template.name}
        raise PlanLimitReached(message, fields={"template": [message]})
    with schema_context("public"):
        registry_row = Tenant.objects.select_for_update().get(pk=tenant.pk)
        registry_row.template = StorefrontTemplate.objects.get(code=template_code)
        registry_row.save(update_fields=["template", "updated_at"])
    with schema_context(tenant.schema_name):
        events.publish(StoreTemplateSwitched(schema_name=tenant.schema_name, template=store_template(template)))


@transaction.atomic
def tenant_add_custom_domain(*, tenant: Tenant, domain: str) -> Domain:
    """Attach the merchant's own domain to the store (unverified until its DNS is checked), if the plan allows."""
    domain = domain.strip().lower().rstrip(".")
    if not _DOMAIN.fullmatch(domain) or domain.endswith("." + settings.PLATFORM_DOMAIN) \
            or domain == settings.PLATFORM_DOMAIN:
        raise ValidationFailed(_("请填写有效的域名，例如 shop.example.com。"),
                               fields={"domain": [_("请填写有效的域名，例如 shop.example.com。")]})
    plan_feature_check(feature="custom_domain", schema_name=tenant.schema_name)
    with schema_context("public"):
        if Domain.objects.filter(domain=domain).exists():
            raise ValidationFailed(_("这个域名已被使用。"), fields={"domain": [_("这个域名已被使用。")]})
        return Domain.objects.create(domain=domain, tenant=tenant, is_primary=False, is_custom=True,
                                     is_verified=False)


@transaction.atomic
def tenant_purge(*, tenant: Tenant, now=None) -> Tenant:
    """Drop the schema and domains of a store closed for longer than the retention period. The registry row
    stays (with its invoices, which the platform keeps), marked purged. DDL is transactional: all or nothing."""
    now = now or timezone.now()
    with schema_context("public"):
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.status != Tenant.Status.CLOSED or tenant.purged_at:
            raise IllegalTransition(_("只有已关闭且未清除的店铺可以清除数据。"))
        if tenant.data_kept_until > now:
            raise IllegalTransition(_("店铺数据保留至 %(date)s，之前不能清除。") % {
                "date": timezone.localtime(tenant.data_kept_until).strftime("%Y-%m-%d")})
        Domain.objects.filter(tenant=tenant).delete()
        provisioning.schema_drop(tenant.schema_name)
        tenant.purged_at = now
        tenant.save(update_fields=["purged_at", "updated_at"])
        logger.info("store %s purged after retention", tenant.slug)
        return tenant


@transaction.atomic
def tenant_rename(*, tenant: Tenant, name: str) -> Tenant:
    """The store's display name (its address, the subdomain, never changes)."""
    name = name.strip()
    if not name or len(name) > 60:
        message = _("请填写店铺名称（最多 60 个字）。")
        raise ValidationFailed(message, fields={"store_name": [message]})
    with schema_context("public"):
        row = Tenant.objects.select_for_update().get(pk=tenant.pk)
        row.name = name
        row.save(update_fields=["name", "updated_at"])
        return row
