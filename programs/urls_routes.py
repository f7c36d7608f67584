"""URLs of individual educational routes, ИОМ (included by programs/urls.py at ``routes/``)."""

from django.urls import path

from programs import views_routes as views

urlpatterns = [
    path("", views.route_list, name="route-list"),
    path("new/", views.route_create, name="route-create"),
    path("me/", views.my_route, name="my-route"),
    path("<int:pk>/", views.route_detail, name="route-detail"),
    path("<int:pk>/print/", views.route_print, name="route-print"),
    path("<int:pk>/edit/", views.route_edit, name="route-edit"),
    path("<int:pk>/refresh-difficulties/", views.route_refresh, name="route-refresh"),
    path("<int:pk>/status/", views.route_status, name="route-status"),
    path("<int:pk>/measures/new/", views.measure_create, name="route-measure-create"),
    path("<int:pk>/corrections/new/", views.correction_create, name="route-correction-create"),
    path("<int:pk>/reflection/", views.route_reflection, name="route-reflection"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="route-measure-edit"),
    path("measures/<int:pk>/delete/", views.measure_delete, name="route-measure-delete"),
    path("measures/<int:pk>/product/", views.measure_product, name="route-measure-product"),
    path("measures/<int:pk>/file/", views.measure_file, name="route-measure-file"),
]
