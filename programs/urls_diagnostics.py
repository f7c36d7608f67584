"""URLs of the diagnostics area (included by programs/urls.py at ``diagnostics/``)."""

from django.urls import path

from programs import views_diagnostics as views

urlpatterns = [
    path("", views.diagnostics_list, name="diagnostics-list"),
    path("my/", views.my_diagnostics, name="my-diagnostics"),
    path("staff/<int:pk>/", views.diagnostics_profile, name="diagnostics-profile"),
    path("staff/<int:pk>/fill/", views.diagnostics_fill, name="diagnostics-fill"),
    path("mentee-base/", views.mentee_base, name="mentee-base"),
    path("mentee-base/confirm/", views.mentee_base_confirm, name="mentee-base-confirm"),
    path("burnout/", views.burnout_list, name="burnout-list"),
    path("burnout/staff/<int:pk>/new/", views.burnout_create, name="burnout-create"),
    path("burnout/<int:pk>/close/", views.burnout_close, name="burnout-close"),
]
