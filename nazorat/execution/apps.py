from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecutionConfig(AppConfig):
    name = "nazorat.execution"
    label = "execution"
    verbose_name = _("Execution control")

    def ready(self):
        from . import events, kinds  # noqa: F401 - registers the "task" case type and its event names
