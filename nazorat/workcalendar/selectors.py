"""Reads of the calendar for pages and the API. The calendar is public law, so these need no acting user."""

from __future__ import annotations

from datetime import date

from .calendar import WorkCalendar


def days_off(year: int, work_week: int = 5) -> list[tuple[date, str]]:
    """The named days off of ``year`` for a work-week regime (holidays, moved rest days, decree days,
    administrators' overrides), in date order, named in the active language. Ordinary weekends are left
    out."""
    return WorkCalendar(work_week).named_days_off(year)


def working_rest_days(year: int, work_week: int = 5) -> list[date]:
    """Weekly rest days worked in ``year`` by decree (for the five-day week: transferred working Saturdays),
    which a public calendar must show next to the days off."""
    return WorkCalendar(work_week).working_rest_days(year)
