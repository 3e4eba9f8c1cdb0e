from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "nazorat.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from . import events, kinds  # noqa: F401 - registers the kernel's case type and event names
