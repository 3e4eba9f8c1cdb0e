from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "nazorat.workcalendar"
    label = "workcalendar"
    verbose_name = _("Work calendar")

    def ready(self) -> None:
        # Connects the receiver that clears the calendar cache when an override is saved or deleted.
        from . import calendar  # noqa: F401
