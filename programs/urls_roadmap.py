"""URLs of the school roadmap (included by programs/urls.py at ``roadmap/``)."""

from django.urls import path

from programs import views_roadmap as views

urlpatterns = [
    path("", views.roadmap, name="roadmap"),
    path("create/", views.roadmap_create, name="roadmap-create"),
    path("<int:pk>/submit/", views.roadmap_submit, name="roadmap-submit"),
    path("<int:pk>/decide/", views.roadmap_decide, name="roadmap-decide"),
    path("stages/<int:pk>/edit/", views.stage_edit, name="roadmap-stage-edit"),
    path("stages/<int:pk>/mark/", views.stage_mark, name="roadmap-stage-mark"),
]
