"""URLs of the mentors area (included by programs/urls.py at ``mentors/``)."""

from django.urls import path

from programs import views_mentors as views

urlpatterns = [
    path("", views.mentor_list, name="mentor-list"),
    path("new/", views.mentor_create, name="mentor-create"),
    path("<int:pk>/", views.mentor_detail, name="mentor-detail"),
    path("<int:pk>/edit/", views.mentor_edit, name="mentor-edit"),
    path("me/", views.my_mentor_profile, name="my-mentor-profile"),
    path("registry/", views.mentor_registry, name="mentor-registry"),
    path("registry/save/", views.mentor_registry_save, name="mentor-registry-save"),
    path("registry/<int:pk>/submit/", views.mentor_registry_submit, name="mentor-registry-submit"),
    path("registry/<int:pk>/decide/", views.mentor_registry_decide, name="mentor-registry-decide"),
]
