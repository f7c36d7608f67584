"""URLs of local acts: drafting, sections, approval (included by programs/urls.py at ``documents/``)."""

from django.urls import path

from programs import views_documents as views

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("queue/", views.document_queue, name="document-queue"),
    path("settings/", views.mentoring_settings, name="mentoring-settings"),
]
