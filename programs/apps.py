from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    """Mentoring pairs and groups, personalised programs, individual routes and the school roadmap."""

    name = "programs"
    verbose_name = _("Наставничество и программы")

    def ready(self) -> None:
        # The register of local acts is importable like the registries (schools/imports/kinds.py).
        from programs.imports import register_import_kind
        from programs.imports_history import register_history_kinds

        register_import_kind()
        register_history_kinds()
