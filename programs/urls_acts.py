"""URLs of the register of local acts and the public page's news (``acts/``)."""

from django.urls import path

from programs import views_acts as views

urlpatterns = [
    path("", views.act_register, name="act-register"),
    path("external/new/", views.act_external_create, name="act-external-create"),
    path("external/<int:pk>/", views.act_external_edit, name="act-external-edit"),
    path("external/<int:pk>/delete/", views.act_external_delete, name="act-external-delete"),
    path("external/<int:pk>/scan/", views.act_external_scan, name="act-external-scan"),
    path("news/", views.news_list, name="news-list"),
    path("news/<int:pk>/", views.news_edit, name="news-edit"),
    path("news/<int:pk>/delete/", views.news_delete, name="news-delete"),
]
