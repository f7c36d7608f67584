"""Monitoring campaigns and the schools' internal monitoring (``monitoring/campaigns/``)."""

from django.urls import path

from monitoring import views_campaigns as views

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("open/", views.campaign_open, name="campaign-open"),
    path("<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("<int:pk>/stage/", views.campaign_stage, name="campaign-stage"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission-detail"),
    path("submissions/<int:pk>/note/", views.submission_note, name="submission-note"),
    path("submissions/<int:pk>/decide/", views.submission_decide, name="submission-decide"),
]
