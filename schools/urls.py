from django.urls import include, path

from schools import views, views_audit

app_name = "schools"

urlpatterns = [
    path("context/", views.switch_context, name="switch-context"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("schools/", views.school_list, name="school-list"),
    path("schools/<int:pk>/", views.school_detail, name="school-detail"),
    path("audit/", views_audit.audit_log, name="audit-log"),
    path("", include("schools.urls_registries")),
    path("", include("schools.urls_personal_data")),
]
