"""Administrator-kept corrections to the national calendar (decrees published after the `holidays`
package was released, six-day-week differences)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day")


class CalendarOverride(models.Model):
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=OverrideKind.choices)
    work_week = models.PositiveSmallIntegerField(
        _("applies to"), default=0,
        choices=[(0, _("Both work-week regimes")), (5, _("Five-day week only")), (6, _("Six-day week only"))],
    )
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300,
                                   help_text=_("The decree or resolution, e.g. 'PQ-194, 20.05.2026'."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "work_week"], name="calendar_override_unique_day_regime",
                violation_error_message=_("There is already an override for this date and work-week regime."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.get_kind_display()}: {self.name}"
