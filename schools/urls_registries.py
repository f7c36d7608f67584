"""URLs of the registries: staff editing, students, partners, imports and exports."""

from django.urls import path

from schools import views_registries as views

urlpatterns = [
    path("staff/new/", views.staff_create, name="staff-create"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff-edit"),
    path("students/", views.student_list, name="student-list"),
    path("students/new/", views.student_create, name="student-create"),
    path("students/<int:pk>/", views.student_detail, name="student-detail"),
    path("students/<int:pk>/edit/", views.student_edit, name="student-edit"),
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/new/", views.partner_create, name="partner-create"),
    path("partners/<int:pk>/", views.partner_detail, name="partner-detail"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner-edit"),
    path(
        "partners/<int:partner_pk>/representatives/new/",
        views.representative_create,
        name="partner-rep-create",
    ),
    path(
        "partners/<int:partner_pk>/representatives/<int:pk>/edit/",
        views.representative_edit,
        name="partner-rep-edit",
    ),
    path("import/<slug:kind>/", views.import_upload, name="import"),
    path("import/<slug:kind>/confirm/", views.import_confirm, name="import-confirm"),
    path("import/<slug:kind>/template/", views.import_template, name="import-template"),
    path("export/<slug:kind>/", views.export, name="export"),
]
