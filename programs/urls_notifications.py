"""URLs of the notifications area (included by programs/urls.py at ``notifications/``)."""

from django.urls import path

from programs import views_notifications as views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("<int:pk>/read/", views.notification_read, name="notification-read"),
    path("read-all/", views.notifications_read_all, name="notifications-read-all"),
    path("settings/", views.notification_settings, name="notification-settings"),
]
