"""The shop API as documented in /api/schema/ (the same routes, under their public prefix)."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("shop_api.urls"))]
