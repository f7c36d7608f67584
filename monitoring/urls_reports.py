"""Analytical reports: municipal, regional, the school's note (``monitoring/reports/``)."""

from django.urls import path

from monitoring import views_reports as views

urlpatterns = [
    path("", views.report_index, name="report-index"),
]
