"""URLs of monitoring (namespace ``monitoring``); each area keeps its own module."""

from django.urls import include, path

app_name = "monitoring"

urlpatterns = [
    path("campaigns/", include("monitoring.urls_campaigns")),
    path("surveys/", include("monitoring.urls_surveys")),
    path("reports/", include("monitoring.urls_reports")),
    path("", include("monitoring.urls_dashboards")),
]
