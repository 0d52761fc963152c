from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="h5-home"),
]
