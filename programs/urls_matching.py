"""URLs of the matching (included by programs/urls.py at ``matching/``)."""

from django.urls import path

from programs import views_matching as views

urlpatterns = [
    path("", views.match_school, name="match-school"),
    path("staff/<int:pk>/", views.match_mentee, name="match-mentee"),
    path("staff/<int:pk>/create-pair/", views.match_create_pair, name="match-create-pair"),
]
