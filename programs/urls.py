"""URLs of the programs app. Each area keeps its own module; all names live in the ``programs`` namespace."""

from django.urls import include, path

app_name = "programs"

urlpatterns = [
    path("diagnostics/", include("programs.urls_diagnostics")),
    path("mentors/", include("programs.urls_mentors")),
    path("pairs/", include("programs.urls_pairs")),
    path("programs/", include("programs.urls_programs")),
    path("journal/", include("programs.urls_journal")),
    path("routes/", include("programs.urls_routes")),
    path("roadmap/", include("programs.urls_roadmap")),
    path("notifications/", include("programs.urls_notifications")),
    path("matching/", include("programs.urls_matching")),
    path("documents/files/", include("programs.urls_document_files")),
    path("documents/", include("programs.urls_documents")),
    path("acts/", include("programs.urls_acts")),
]
