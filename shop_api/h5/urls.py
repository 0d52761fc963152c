from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="h5-home"),
    path("categories/", views.categories, name="h5-categories"),
    path("products/", views.products, name="h5-products"),
    path("products/<int:product_id>/", views.product, name="h5-product"),
]
