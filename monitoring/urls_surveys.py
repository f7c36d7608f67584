"""Participants' questionnaires and their aggregated results (``monitoring/surveys/``)."""

from django.urls import path

from monitoring import views_surveys as views

urlpatterns = [
    path("", views.my_surveys, name="my-surveys"),
    path("results/", views.survey_results, name="survey-results"),
]
