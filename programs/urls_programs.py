"""URLs of the programs area (included by programs/urls.py at ``programs/``)."""

from django.urls import path

from programs import views_programs as views

urlpatterns = [
    path("", views.program_list, name="program-list"),
    path("new/<int:pair_pk>/", views.program_create, name="program-create"),
    path("new/<int:pair_pk>/blank/", views.program_create_blank, name="program-create-blank"),
    path(
        "new/<int:pair_pk>/template/<int:template_pk>/",
        views.program_create_from_template,
        name="program-create-from-template",
    ),
    path("<int:pk>/", views.program_detail, name="program-detail"),
    path("<int:pk>/edit/", views.program_edit, name="program-edit"),
    path("<int:pk>/plan/", views.program_plan, name="program-plan"),
    path("<int:pk>/approve/", views.program_approve, name="program-approve"),
    path("<int:pk>/start/", views.program_start, name="program-start"),
    path("<int:pk>/complete/", views.program_complete, name="program-complete"),
    path("<int:pk>/end/", views.program_end, name="program-end"),
    path("<int:pk>/extend/", views.program_extend, name="program-extend"),
    path("<int:pk>/best-practice/", views.program_best_practice, name="program-best-practice"),
    path("activities/<int:pk>/", views.activity_status, name="activity-status"),
    path("activities/<int:pk>/file/", views.activity_file, name="activity-file"),
    path("my/", views.my_programs, name="my-programs"),
    path("my/<int:pk>/", views.my_program, name="my-program"),
    path("my/<int:pk>/report/", views.program_report, name="program-report"),
]
