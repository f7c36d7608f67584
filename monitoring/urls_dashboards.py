"""Dashboards and the computation of indicators (``monitoring/``)."""

from django.urls import path

from monitoring import views_dashboards as views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/schools/", views.dashboard_schools, name="dashboard-schools"),
    path("dashboard/documents/", views.dashboard_matrix, name="dashboard-matrix"),
    path("dashboard/export/", views.dashboard_export, name="dashboard-export"),
    path("dashboard/schools/<int:pk>/", views.school_overview, name="school-overview"),
    path("dashboard/compute/", views.dashboard_compute, name="dashboard-compute"),
    path("dashboard/snapshots/", views.snapshot_list, name="snapshot-list"),
    path("dashboard/snapshots/<int:pk>/", views.snapshot_progress, name="snapshot-progress"),
]
