"""URLs of the pairs area (included by programs/urls.py at ``pairs/``)."""

from django.urls import path

from programs import views_pairs as views

urlpatterns = [
    path("", views.pair_list, name="pair-list"),
    path("new/", views.pair_create, name="pair-create"),
    path("<int:pk>/", views.pair_detail, name="pair-detail"),
    path("<int:pk>/edit/", views.pair_edit, name="pair-edit"),
    path("<int:pk>/consents-collected/", views.pair_consents_collected, name="pair-consents-collected"),
    path("<int:pk>/fix/", views.pair_fix, name="pair-fix"),
    path("<int:pk>/start/", views.pair_start, name="pair-start"),
    path("<int:pk>/complete/", views.pair_complete, name="pair-complete"),
    path("<int:pk>/end/", views.pair_end, name="pair-end"),
    path("<int:pk>/delete/", views.pair_delete, name="pair-delete"),
    path(
        "<int:pk>/consents/<int:participant_pk>/<slug:kind>/",
        views.consent_create,
        name="consent-create",
    ),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("consents/<int:pk>/scan/", views.consent_scan, name="consent-scan"),
    path("consents/<int:pk>/attach-scan/", views.consent_attach_scan, name="consent-attach-scan"),
    path("consents/form/<int:participant_pk>/<slug:kind>/", views.consent_form_pdf, name="consent-form-pdf"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request-decide"),
    path("my/", views.my_pairs, name="my-pairs"),
    path("my/<int:pk>/", views.my_pair_detail, name="my-pair-detail"),
    path("my/<int:pk>/request/", views.pair_request_create, name="pair-request-create"),
]
