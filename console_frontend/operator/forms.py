"""The operator console's forms: what operators type, parsed into the typed values the services take."""

from __future__ import annotations

import json
from typing import cast

from django import forms
from django.http import QueryDict

from billing.models import Plan
from billing.services import PLAN_LIMIT_FIELDS, PLAN_RANGES, PlanInput
from control_plane.storefront_templates.models import StorefrontTemplate
from control_plane.storefront_templates.services import THEME_KEYS, TemplateInput
from control_plane.tenancy.models import Tenant
from core.form_fields import WholeNumberField, YuanField
from core.money import format_fen


def _template_choices() -> list[tuple[str, str]]:
    return list(StorefrontTemplate.objects.order_by("sort_order", "code").values_list("code", "name"))


class PlanForm(forms.Form):
    """A plan: its prices (yuan), trial, limits (blank: unlimited), templates and features."""

    code = forms.RegexField(regex=r"^[a-z0-9][a-z0-9-]{1,39}$", required=False)  # only when creating
    name = forms.CharField(max_length=60)
    description = forms.CharField(max_length=200, required=False)
    monthly_price = YuanField()
    yearly_price = YuanField()
    trial_days = WholeNumberField(low=0, high=PLAN_RANGES["trial_days"])
    sort_order = WholeNumberField(low=0, high=PLAN_RANGES["sort_order"])
    max_products = WholeNumberField(low=0, high=PLAN_RANGES["max_products"], required=False)
    max_distributors = WholeNumberField(low=0, high=PLAN_RANGES["max_distributors"], required=False)
    max_staff = WholeNumberField(low=0, high=PLAN_RANGES["max_staff"], required=False)
    max_orders_per_month = WholeNumberField(low=0, high=PLAN_RANGES["max_orders_per_month"], required=False)
    templates = forms.MultipleChoiceField(choices=_template_choices, required=False)
    custom_domain = forms.BooleanField(required=False)
    simulator = forms.BooleanField(required=False)
    is_active = forms.BooleanField(required=False)

    domain_fields = {"monthly_price_minor": "monthly_price", "yearly_price_minor": "yearly_price"}

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = creating

    @staticmethod
    def initial_from(plan: Plan | None) -> dict:
        """The form's values: the plan's (prices in yuan, an unlimited limit blank)."""
        if plan is None:
            return {"trial_days": 14, "is_active": True, "templates": []}
        return {"name": plan.name, "description": plan.description,
                "monthly_price": format_fen(plan.monthly_price_minor),
                "yearly_price": format_fen(plan.yearly_price_minor), "trial_days": plan.trial_days,
                "sort_order": plan.sort_order, "templates": plan.templates, "custom_domain": plan.custom_domain,
                "simulator": plan.simulator, "is_active": plan.is_active,
                **{name: "" if getattr(plan, name) is None else getattr(plan, name) for name in PLAN_LIMIT_FIELDS}}

    def shown(self, initial: dict) -> dict:
        """What the page shows: what was posted (the templates as a list), else ``initial``."""
        if not self.is_bound:
            return initial
        posted = cast(QueryDict, self.data)
        return {**posted.dict(), "templates": posted.getlist("templates")}

    def values(self) -> PlanInput:
        data = self.cleaned_data
        return PlanInput(
            name=data["name"], description=data["description"], monthly_price_minor=data["monthly_price"],
            yearly_price_minor=data["yearly_price"], trial_days=data["trial_days"], sort_order=data["sort_order"],
            **{name: data[name] for name in PLAN_LIMIT_FIELDS}, templates=tuple(data["templates"]),
            custom_domain=data["custom_domain"], simulator=data["simulator"], is_active=data["is_active"])


_COLOR = r"^#[0-9a-fA-F]{6}$"


class TemplateForm(forms.Form):
    """A storefront template: its names and industry, theme colours and home-page layout (JSON)."""

    code = forms.RegexField(regex=r"^[a-z][a-z0-9_]{1,39}$", required=False)  # only when creating
    name = forms.CharField(max_length=60)
    name_en = forms.CharField(max_length=60)
    industry = forms.CharField(max_length=60)
    description = forms.CharField(max_length=300, required=False)
    theme_primary = forms.RegexField(regex=_COLOR)
    theme_accent = forms.RegexField(regex=_COLOR)
    theme_background = forms.RegexField(regex=_COLOR)
    theme_text = forms.RegexField(regex=_COLOR)
    layout = forms.JSONField()
    sort_order = WholeNumberField(low=0, high=10_000, required=False)

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = creating

    @staticmethod
    def initial_from(template: StorefrontTemplate | None) -> dict:
        """A new template starts from the first offered one's layout and colours."""
        if template is None:
            base = StorefrontTemplate.objects.filter(is_active=True).first()
            return {"layout": json.dumps(base.layout, ensure_ascii=False, indent=2) if base else "",
                    **{f"theme_{k}": v for k, v in (base.theme if base else {}).items()}, "sort_order": 100}
        return {"name": template.name, "name_en": template.name_en, "industry": template.industry,
                "description": template.description, "sort_order": template.sort_order,
                "layout": json.dumps(template.layout, ensure_ascii=False, indent=2),
                **{f"theme_{k}": v for k, v in template.theme.items()}}

    def values(self) -> TemplateInput:
        data = self.cleaned_data
        return TemplateInput(name=data["name"], name_en=data["name_en"], industry=data["industry"],
                             description=data["description"], layout=data["layout"],
                             theme={key: data[f"theme_{key}"] for key in THEME_KEYS},
                             sort_order=100 if data["sort_order"] is None else data["sort_order"])


class TenantActionForm(forms.Form):
    """An operator acting on one store: suspend or resume it, or open its console read-only; each with the
    reason the audit log keeps (what a reason must be, the service says)."""

    action = forms.ChoiceField(choices=[("suspend", "suspend"), ("resume", "resume"), ("impersonate", "impersonate")])
    reason = forms.CharField(max_length=500, required=False)


class SignupForm(forms.Form):
    """A merchant signing up: store, address, owner login and password, template and plan. What each must be
    (and whether the address is free) the sign-up service checks, all fields at once."""

    store_name = forms.CharField(max_length=200, required=False)
    slug = forms.CharField(max_length=100, required=False)
    owner_login = forms.CharField(max_length=254, required=False)
    password = forms.CharField(max_length=200, required=False, strip=False)
    template = forms.CharField(max_length=40, required=False)
    plan = forms.CharField(max_length=40, required=False)

    def shown(self, *, template: str, plan: str) -> dict:
        """What the page shows: what was typed, never the password; the first template and the trial plan
        until chosen."""
        values = {name: self.data.get(name, "") for name in self.fields}
        return {**values, "password": "", "template": values["template"] or template, "plan": values["plan"] or plan}


class UnlockForm(forms.Form):
    """Lifting a login lockout: of one login name or one address, on one store (or the operator console)."""

    kind = forms.ChoiceField(choices=[("username", "username"), ("ip_address", "ip_address")])
    value = forms.CharField(max_length=255)
    tenant = forms.ModelChoiceField(queryset=Tenant.objects.exclude(schema_name="public"), required=False)
