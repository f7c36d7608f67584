"""URL map of Nastavnik. Every new pattern must be listed in tests/test_permissions.py."""

from django.conf import settings
from django.urls import include, path

from schools import views as school_views
from schools.admin import admin_site

urlpatterns = [
    path("", school_views.home, name="home"),
    path("healthz/", school_views.healthz, name="healthz"),
    path("accounts/", include("schools.urls_accounts")),
    path("", include("schools.urls")),
    path("", include("programs.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("nastavnichestvo/", include(("programs.urls_public", "public"))),
    path("admin/", admin_site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
