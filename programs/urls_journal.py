"""URLs of the journal area (included by programs/urls.py at ``journal/``)."""

from django.urls import path

from programs import views_journal as views

urlpatterns = [
    path("pair/<int:pk>/", views.journal, name="journal"),
    path("pair/<int:pk>/new/", views.journal_create, name="journal-create"),
    path("<int:pk>/edit/", views.journal_edit, name="journal-edit"),
    path("<int:pk>/delete/", views.journal_delete, name="journal-delete"),
    path("files/<int:pk>/", views.journal_attachment, name="journal-attachment"),
]
