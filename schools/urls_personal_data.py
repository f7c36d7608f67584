"""URLs of the personal-data rights of a person: the page, the export, anonymisation, withdrawal."""

from django.urls import path

from schools import views_personal_data as views

urlpatterns = [
    path("personal-data/withdrawals/", views.consent_withdrawals, name="consent-withdrawals"),
    path("personal-data/<slug:kind>/<int:pk>/", views.person_data, name="person-data"),
    path("personal-data/<slug:kind>/<int:pk>/export/", views.person_data_export, name="person-data-export"),
    path(
        "personal-data/<slug:kind>/<int:pk>/anonymise/",
        views.person_data_anonymise,
        name="person-data-anonymise",
    ),
    path(
        "personal-data/<slug:kind>/<int:pk>/withdraw/",
        views.person_data_withdraw,
        name="person-data-withdraw",
    ),
]
