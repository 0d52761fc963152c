"""The two planes of the database.

Every app of ours declares ``plane`` on its AppConfig; settings build SHARED_APPS/TENANT_APPS from the
lists below and tests/architecture proves each model lives in exactly one plane with no foreign key across.
"""

CONTROL = "control"  # the public schema: tenant registry, plans, templates, operators
TENANT = "tenant"  # one schema per merchant

CONTROL_PLANE_APPS = [
    "control_plane.storefront_templates",
    "control_plane.tenancy",
    "control_plane.operators",
    "billing",
]

TENANT_PLANE_APPS = [
    "tenants.staff",
    "tenants.storefront",
    "tenants.catalog",
    "tenants.members",
    "tenants.orders",
    "tenants.payments",
    "tenants.ledger",
    "tenants.loyalty",
    "tenants.marketing",
    "tenants.distribution",
    "tenants.privacy",
    "tenants.crm",
]

# Django's own apps live in both planes on purpose: each schema has its own users, sessions and content
# types, which is what makes a session or login of tenant A meaningless on tenant B. django-axes (failed
# logins and lockouts) sits beside the users it protects: a store's lockouts live in the store's schema.
FRAMEWORK_APPS_IN_BOTH = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "axes",
]
