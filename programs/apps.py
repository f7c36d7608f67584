from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    """Mentoring pairs and groups, personalised programs, individual routes and the school roadmap."""

    name = "programs"
    verbose_name = _("Наставничество и программы")
