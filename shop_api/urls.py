from django.urls import path

from .storefront import StorefrontLayoutApi

urlpatterns = [
    path("storefront/layout/", StorefrontLayoutApi.as_view(), name="api-storefront-layout"),
]
