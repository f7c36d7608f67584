from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    """Tenants (regions, municipalities, schools), users and their roles, school staff."""

    name = "schools"
    verbose_name = _("Организации и пользователи")

    def ready(self) -> None:
        from schools import (
            checks,  # noqa: F401  (registers the system checks)
            sqlite,
        )

        sqlite.install()

        from schools import audit

        audit.register_models()


class NastavnikAdminConfig(AdminConfig):
    default_site = "schools.admin_site.NastavnikAdminSite"
