from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "nazorat.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self):
        from . import events, kinds  # noqa: F401 - registers the "appeal" case type and its event names
