from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Annual monitoring: indicators, campaigns, surveys, analytical notes and reports."""

    name = "monitoring"
    verbose_name = _("Мониторинг")
