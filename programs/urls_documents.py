"""URLs of local acts: drafting, sections, approval (included by programs/urls.py at ``documents/``)."""

from django.urls import path

from programs import views_documents as views

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("queue/", views.document_queue, name="document-queue"),
    path("settings/", views.mentoring_settings, name="mentoring-settings"),
    path("new/", views.document_create, name="document-create"),
    path("new/<slug:kind>/", views.document_create_kind, name="document-create-kind"),
    path("<int:pk>/", views.document_detail, name="document-detail"),
    path("<int:pk>/edit/", views.document_edit, name="document-edit"),
    path("<int:pk>/sections/<int:section_pk>/", views.section_edit, name="document-section-edit"),
    path("<int:pk>/refresh/", views.document_refresh, name="document-refresh"),
    path("<int:pk>/options/", views.document_options, name="document-options"),
    path("<int:pk>/submit/", views.document_submit, name="document-submit"),
    path("<int:pk>/delete/", views.document_delete, name="document-delete"),
    path("<int:pk>/amend/", views.document_amend, name="document-amend"),
    path("<int:pk>/approve/", views.document_approve, name="document-approve"),
    path("<int:pk>/return/", views.document_return, name="document-return"),
]
