"""Deadline rules: a term written the way the law states it ("15 calendar_days", "1 months",
"30 working_minutes"), stored as text on a service or case kind, and turned into a due moment on the
organisation's work calendar. Deadlines are computed, never typed in (architecture: the case kernel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _

from .calendar import WorkCalendar, calendar_for

NO_ROLL = "no_roll"


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    WORKING_HOURS = "working_hours"
    WORKING_MINUTES = "working_minutes"


# Only these can end on a day off; a count of working days or office time always ends on a working day.
ROLLING_UNITS = frozenset({Unit.CALENDAR_DAYS, Unit.MONTHS})


@dataclass(frozen=True)
class DeadlineRule:
    """``amount`` of ``unit`` after the start; ``no_roll`` keeps a last day that is not worked instead of
    moving it to the next working day (the default follows ``NAZORAT_ROLL_DEADLINES_TO_WORKING_DAY``)."""

    amount: int
    unit: Unit
    no_roll: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise ValueError(_("The amount of a deadline must be a whole number of zero or more, not %(amount)r.")
                             % {"amount": self.amount})
        try:
            object.__setattr__(self, "unit", Unit(self.unit))
        except ValueError:
            raise ValueError(_("Unknown deadline unit “%(unit)s”; use one of: %(units)s.")
                             % {"unit": self.unit, "units": ", ".join(Unit)}) from None
        if self.no_roll and self.unit not in ROLLING_UNITS:
            raise ValueError(_("“%(option)s” only applies to calendar_days and months, not to %(unit)s.")
                             % {"option": NO_ROLL, "unit": self.unit})

    @classmethod
    def parse(cls, text: str) -> DeadlineRule:
        """Read ``"<amount> <unit>"`` with an optional ``" no_roll"``, e.g. ``"15 calendar_days no_roll"``."""
        parts = str(text).split()
        if len(parts) not in (2, 3):
            raise ValueError(_("A deadline rule is “<amount> <unit>”, optionally followed by “%(option)s”; "
                               "got “%(text)s”.") % {"option": NO_ROLL, "text": text})
        amount, unit, *option = parts
        if option and option[0] != NO_ROLL:
            raise ValueError(_("Unknown option “%(option)s” in the deadline rule “%(text)s”; the only option is "
                               "“%(no_roll)s”.") % {"option": option[0], "text": text, "no_roll": NO_ROLL})
        if not (amount.isascii() and amount.isdigit()):
            raise ValueError(_("The amount in the deadline rule “%(text)s” must be a whole number of zero or "
                               "more.") % {"text": text})
        return cls(amount=int(amount), unit=unit, no_roll=bool(option))

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}" + (f" {NO_ROLL}" if self.no_roll else "")

    def due(self, start: datetime, calendar: WorkCalendar) -> datetime:
        """The due moment, in local time: for day and month rules the end of the due day (23:59:59.999999),
        for hour and minute rules the exact moment office time runs out."""
        if timezone.is_naive(start):
            raise ValueError("start must be an aware datetime")
        if self.unit == Unit.WORKING_MINUTES:
            return calendar.add_working_minutes(start, self.amount)
        if self.unit == Unit.WORKING_HOURS:
            return calendar.add_working_hours(start, self.amount)
        tz = timezone.get_default_timezone()
        start_day = timezone.localtime(start, tz).date()
        roll = False if self.no_roll else None
        if self.unit == Unit.CALENDAR_DAYS:
            due_day = calendar.add_calendar_days(start_day, self.amount, roll=roll)
        elif self.unit == Unit.MONTHS:
            due_day = calendar.add_months(start_day, self.amount, roll=roll)
        else:
            due_day = calendar.add_working_days(start_day, self.amount)
        return datetime.combine(due_day, time.max, tzinfo=tz)


def due_date(rule: str, start: datetime, organisation=None) -> datetime:
    """The due moment of ``rule`` started at ``start`` on ``organisation``'s calendar (five-day week when
    none is given)."""
    return DeadlineRule.parse(rule).due(start, calendar_for(organisation))

