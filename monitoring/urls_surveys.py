"""Participants' questionnaires and their aggregated results (``monitoring/surveys/``)."""

from django.urls import path

from monitoring import views_surveys as views

urlpatterns = [
    path("", views.my_surveys, name="my-surveys"),
    path("fill/<slug:kind>/", views.survey_fill, name="survey-fill"),
    path("results/", views.survey_results, name="survey-results"),
]
