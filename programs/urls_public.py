"""The public page «Наставничество» of each school, without login (``nastavnichestvo/``)."""

from django.urls import path

from programs import views_public as views

urlpatterns = [
    path("<slug:code>/", views.school_page, name="school"),
    path("<slug:code>/documents/<int:pk>/", views.document_pdf, name="document"),
    path("<slug:code>/news/<int:pk>/", views.news_detail, name="news"),
]
