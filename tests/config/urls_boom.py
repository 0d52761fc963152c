"""A store-host URL conf with one view that fails, for the Sentry test."""

from django.urls import path


def boom(request):
    openid = request.GET.get("o")  # noqa: F841 - a local variable Sentry would capture
    raise RuntimeError("kaboom")


urlpatterns = [path("boom/", boom)]
