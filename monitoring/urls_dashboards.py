"""Dashboards and the computation of indicators (``monitoring/``)."""

from django.urls import path

from monitoring import views_dashboards as views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
