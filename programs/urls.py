"""URLs of the programs app. Each area keeps its own module; all names live in the ``programs`` namespace."""

from django.urls import include, path

app_name = "programs"

urlpatterns = [
    path("diagnostics/", include("programs.urls_diagnostics")),
    path("mentors/", include("programs.urls_mentors")),
    path("pairs/", include("programs.urls_pairs")),
    path("matching/", include("programs.urls_matching")),
]
