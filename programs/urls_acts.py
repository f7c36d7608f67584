"""URLs of the register of local acts and the public page's news (``acts/``)."""

from django.urls import path

from programs import views_acts as views

urlpatterns = [
    path("", views.act_register, name="act-register"),
    path("news/", views.news_list, name="news-list"),
]
