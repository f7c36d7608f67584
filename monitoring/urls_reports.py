"""Analytical reports: municipal, regional, the school's own numbers (``monitoring/reports/``)."""

from django.urls import path

from monitoring import views_reports as views

urlpatterns = [
    path("", views.report_index, name="report-index"),
    path("new/", views.report_request, name="report-request"),
    path("<int:pk>/", views.report_status, name="report-status"),
    path("<int:pk>/file/", views.report_file, name="report-file"),
]
