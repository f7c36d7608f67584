"""URLs of rendered files of documents: start a rendering, poll it, download (``documents/files/``)."""

from django.urls import path

from programs import views_document_files as views

urlpatterns = [
    path("<int:pk>/<str:fmt>/", views.document_render, name="document-render"),
    path("renderings/<int:pk>/", views.document_rendering, name="document-rendering"),
    path("renderings/<int:pk>/file/", views.document_file, name="document-file"),
]
