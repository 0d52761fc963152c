"""Every model of ours lives in exactly one plane, the app lists follow the planes, and no foreign key
crosses from one plane to the other (like Sentry's silo tests)."""

from django.apps import apps
from django.conf import settings

from core.planes import CONTROL, CONTROL_PLANE_APPS, FRAMEWORK_APPS_IN_BOTH, TENANT, TENANT_PLANE_APPS

OURS = ("config", "core", "control_plane", "tenants", "billing", "shop_api", "console_frontend")


def _our_models():
    return [m for m in apps.get_models(include_auto_created=True) if m.__module__.startswith(OURS)]


def _plane(model):
    return getattr(model._meta.app_config, "plane", None)


def test_every_model_of_ours_declares_exactly_one_plane():
    undeclared = [m.__name__ for m in _our_models() if _plane(m) not in (CONTROL, TENANT)]
    assert not undeclared, f"models without a plane: {undeclared}"


def test_app_lists_are_built_from_the_planes():
    for app in CONTROL_PLANE_APPS:
        assert apps.get_app_config(app.rsplit(".", 1)[-1]).plane == CONTROL
        assert app in settings.SHARED_APPS and app not in settings.TENANT_APPS
    for app in TENANT_PLANE_APPS:
        assert apps.get_app_config(app.rsplit(".", 1)[-1]).plane == TENANT
        assert app in settings.TENANT_APPS and app not in settings.SHARED_APPS
    ours_with_models = {m._meta.app_config.name for m in _our_models()}
    assert ours_with_models <= set(CONTROL_PLANE_APPS) | set(TENANT_PLANE_APPS)


def test_only_framework_apps_live_in_both_planes():
    both = set(settings.SHARED_APPS) & set(settings.TENANT_APPS)
    assert both == set(FRAMEWORK_APPS_IN_BOTH)


def test_no_foreign_key_crosses_planes():
    crossings = []
    for model in _our_models():
        for field in model._meta.get_fields():
            target = getattr(field, "related_model", None)
            if not field.is_relation or target is None or not field.concrete:
                continue
            target_plane = _plane(target)
            if target_plane is None:  # Django's own models exist in both planes (users, content types)
                continue
            if target_plane != _plane(model):
                crossings.append(f"{model.__name__}.{field.name} -> {target.__name__}")
    assert not crossings, crossings
