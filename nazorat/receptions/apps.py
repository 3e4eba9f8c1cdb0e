from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionsConfig(AppConfig):
    name = "nazorat.receptions"
    label = "receptions"
    verbose_name = _("Receptions")

    def ready(self):
        from . import events  # noqa: F401 - registers the event names
