"""Monitoring campaigns and the schools' internal monitoring (``monitoring/campaigns/``)."""

from django.urls import path

from monitoring import views_campaigns as views

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
]
