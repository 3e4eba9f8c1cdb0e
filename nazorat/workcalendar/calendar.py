"""The working-day calendar of Uzbekistan (R-E3): which days are worked, and the arithmetic on calendar
days, working days, months and office hours that every deadline in Nazorat is built from.

Sources (docs/calendar.md, legal-rules §5): the pinned ``holidays`` package supplies the statutory holidays,
the Islamic holiday dates fixed by Presidential resolutions, decree days off and transferred working
Saturdays; the ``CalendarOverride`` table lets an administrator enter decrees the package does not know yet
and differences for the six-day week. Both are read once per year and regime and kept in this process.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from time import monotonic

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nazorat.core.text import to_cyrillic

from .models import CalendarOverride, OverrideKind

SATURDAY, SUNDAY = 5, 6
ONE_DAY = timedelta(days=1)
# Labour Code of 28.10.2022, in force from this day: Art 208 moves a rest day that coincides with a holiday.
# The package applies its observed rule from the same day, so both regimes start moving days together.
LABOUR_CODE_IN_FORCE = date(2023, 4, 30)
# Overrides saved in another process (another web worker, the task worker) reach this one at most this late;
# saves in this process clear the cache at once through the signal below.
CACHE_SECONDS = 60.0

Names = dict[str, str]
"""A day's name by language code: "uz", "uz-cyrl", "ru", "en" (only those known)."""


@dataclass(frozen=True)
class _Year:
    """One year of one work-week regime: the named days off and the days worked whatever their weekday."""

    days_off: dict[date, Names]
    forced_working: frozenset[date]
    loaded_at: float


_cache: dict[tuple[int, int], _Year] = {}


def clear_cache() -> None:
    """Forget every loaded year, so the next question reads the package and the overrides again."""
    _cache.clear()


@receiver([post_save, post_delete], sender=CalendarOverride, dispatch_uid="workcalendar_clear_cache")
def _override_changed(sender, **kwargs) -> None:
    # Clear now, so the saving code sees its own change, and again after commit, because another thread of
    # this process may have reloaded the year from the database between the save and the commit.
    clear_cache()
    transaction.on_commit(clear_cache)


@dataclass(frozen=True)
class OfficeHours:
    """The office day from ``settings.NAZORAT_OFFICE_HOURS``: the clock that working-hour deadlines run on."""

    start: time
    lunch_start: time
    lunch_end: time
    end: time
    pre_holiday_shortening: timedelta

    @classmethod
    def from_settings(cls) -> OfficeHours:
        conf = settings.NAZORAT_OFFICE_HOURS
        try:
            hours = cls(
                start=time.fromisoformat(conf["start"]),
                lunch_start=time.fromisoformat(conf["lunch_start"]),
                lunch_end=time.fromisoformat(conf["lunch_end"]),
                end=time.fromisoformat(conf["end"]),
                pre_holiday_shortening=timedelta(minutes=conf["pre_holiday_shortening_minutes"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ImproperlyConfigured(f"NAZORAT_OFFICE_HOURS is not valid: {exc!r}") from exc
        if not hours.start < hours.lunch_start <= hours.lunch_end < hours.end:
            raise ImproperlyConfigured("NAZORAT_OFFICE_HOURS must satisfy start < lunch_start <= lunch_end < end.")
        if hours.pre_holiday_shortening < timedelta(0):
            raise ImproperlyConfigured("NAZORAT_OFFICE_HOURS pre_holiday_shortening_minutes must not be negative.")
        return hours

    def intervals(self, day: date, tz: tzinfo, *, shortened: bool) -> list[tuple[datetime, datetime]]:
        """The working spans of ``day`` (morning, afternoon); a pre-holiday day loses time at its end."""
        close = datetime.combine(day, self.end, tzinfo=tz)
        if shortened:
            close -= self.pre_holiday_shortening

        def at(moment: time) -> datetime:
            return datetime.combine(day, moment, tzinfo=tz)

        spans = [(at(self.start), min(at(self.lunch_start), close)), (at(self.lunch_end), close)]
        return [(opens, closes) for opens, closes in spans if opens < closes]

    @property
    def day_length(self) -> timedelta:
        """Working time of an ordinary (not shortened) day: 8 hours with the default settings."""

        def span(a: time, b: time) -> timedelta:
            return datetime.combine(date.min, b) - datetime.combine(date.min, a)

        return span(self.start, self.lunch_start) + span(self.lunch_end, self.end)


class WorkCalendar:
    """Working days of one work-week regime: 5 (Saturday and Sunday off) or 6 (Sunday off).

    The five-day week is the ``holidays`` package as published: its observed rule (a holiday on Saturday or
    Sunday gives the next working day off) and its transferred working Saturdays. The six-day week is built
    here, because Labour Code Art 208 moves only the rest day of the worker's own regime: a Saturday holiday
    gives six-day workers nothing extra (Saturday was theirs to work anyway), a Sunday holiday moves to the
    next working day as for everyone. Overrides with ``work_week`` 0 apply to both regimes, 5 or 6 to one.
    """

    def __init__(self, work_week: int = 5) -> None:
        if work_week not in (5, 6):
            raise ValueError(f"work_week must be 5 or 6, not {work_week!r}")
        self.work_week = work_week
        self._rest_days = frozenset({SATURDAY, SUNDAY}) if work_week == 5 else frozenset({SUNDAY})

    def __repr__(self) -> str:
        return f"WorkCalendar(work_week={self.work_week})"

    # --- Days ---------------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        year = self._year(d.year)
        if d in year.forced_working:
            return True
        return d.weekday() not in self._rest_days and d not in year.days_off

    def is_holiday(self, d: date) -> bool:
        """True for a named day off: a holiday, a moved (observed) rest day, a decree day or an override."""
        return d in self._year(d.year).days_off

    def holiday_name(self, d: date) -> str | None:
        """The day off's name in the active language: the package's Uzbek (transliterated for Cyrillic) or
        English names, an override's own translations; English, then Uzbek, where a language is missing."""
        names = self._year(d.year).days_off.get(d)
        return None if names is None else _pick_name(names)

    def is_pre_holiday(self, d: date) -> bool:
        """A working day shortened by Labour Code Art 187: the rest that follows it includes a named day off.

        Friday 28 Aug 2026 is one: the days off after it (Saturday, Sunday, the decree day 31 August)
        lead into Independence Day on 1 September.
        """
        if not self.is_working_day(d):
            return False
        day = d + ONE_DAY
        while not self.is_working_day(day):
            if self.is_holiday(day):
                return True
            day += ONE_DAY
        return False

    def next_working_day(self, d: date, include_self: bool = False) -> date:
        day = d if include_self else d + ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def named_days_off(self, year: int) -> list[tuple[date, str]]:
        """Every named day off of ``year`` in date order, with its name in the active language."""
        days_off = self._year(year).days_off
        return [(d, _pick_name(days_off[d])) for d in sorted(days_off)]

    def working_rest_days(self, year: int) -> list[date]:
        """Days of the regime's weekly rest that are worked this year (transferred working Saturdays)."""
        return sorted(d for d in self._year(year).forced_working if d.weekday() in self._rest_days)

    # --- Date arithmetic ----------------------------------------------------------------------------

    def add_calendar_days(self, start_date: date, n: int, roll: bool | None = None) -> date:
        """``n`` days after ``start_date`` (the term starts the day after the event, Civil Code Art 145);
        a last day that is not worked moves to the next working day when ``roll`` (default: the
        ``NAZORAT_ROLL_DEADLINES_TO_WORKING_DAY`` setting)."""
        return self._roll(start_date + timedelta(days=n), roll)

    def add_working_days(self, start_date: date, n: int) -> date:
        """The ``n``-th working day after ``start_date``; the start itself is not counted."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start_date
        for _i in range(n):
            day = self.next_working_day(day)
        return day

    def add_months(self, start_date: date, n: int, roll: bool | None = None) -> date:
        """The same day ``n`` months later, or that month's last day when it is shorter (31 Jan + 1 month =
        28 or 29 Feb, Civil Code: a term in months ends on the corresponding day), then rolled as
        :meth:`add_calendar_days`."""
        months = start_date.month - 1 + n
        year, month = start_date.year + months // 12, months % 12 + 1
        day = min(start_date.day, monthrange(year, month)[1])
        return self._roll(date(year, month, day), roll)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b`` (negative when ``b`` is before ``a``), so that
        ``working_days_between(a, add_working_days(a, n)) == n``."""
        if b < a:
            return -self.working_days_between(b, a)
        return sum(1 for i in range(1, (b - a).days + 1) if self.is_working_day(a + timedelta(days=i)))

    # --- Office-hour arithmetic ---------------------------------------------------------------------

    @property
    def working_day_minutes(self) -> int:
        """Length of an ordinary working day in minutes: the amount for "within one working day"."""
        return int(OfficeHours.from_settings().day_length.total_seconds() // 60)

    def add_working_minutes(self, start_dt: datetime, minutes: int) -> datetime:
        """The moment ``minutes`` of office time after ``start_dt``, in local time.

        Only office hours of working days count, lunch excluded, a pre-holiday day ending early; a start
        outside office hours counts from the next opening (Friday 17:45 + 30 → next working day 09:15). A
        span that ends exactly at closing time ends then, not at the next opening.
        """
        return self._add_working_time(start_dt, timedelta(minutes=minutes))

    def add_working_hours(self, start_dt: datetime, hours: int | float) -> datetime:
        return self._add_working_time(start_dt, timedelta(hours=hours))

    # --- Internals ----------------------------------------------------------------------------------

    def _roll(self, d: date, roll: bool | None) -> date:
        if roll is None:
            roll = settings.NAZORAT_ROLL_DEADLINES_TO_WORKING_DAY
        return self.next_working_day(d, include_self=True) if roll else d

    def _add_working_time(self, start_dt: datetime, amount: timedelta) -> datetime:
        if timezone.is_naive(start_dt):
            raise ValueError("start_dt must be an aware datetime")
        if amount < timedelta(0):
            raise ValueError("the amount of working time must not be negative")
        tz = timezone.get_default_timezone()
        cursor = timezone.localtime(start_dt, tz)
        if not amount:
            return cursor
        office = OfficeHours.from_settings()
        day = cursor.date()
        remaining = amount
        while True:
            if self.is_working_day(day):
                for opens, closes in office.intervals(day, tz, shortened=self.is_pre_holiday(day)):
                    if cursor >= closes:
                        continue
                    begin = max(cursor, opens)
                    if remaining <= closes - begin:
                        return begin + remaining
                    remaining -= closes - begin
            day += ONE_DAY

    def _year(self, year: int) -> _Year:
        key = (year, self.work_week)
        loaded = _cache.get(key)
        if loaded is None or monotonic() - loaded.loaded_at > CACHE_SECONDS:
            loaded = _cache[key] = self._load(year)
        return loaded

    def _load(self, year: int) -> _Year:
        if self.work_week == 5:
            days_off, forced_working = _five_day_week(year)
        else:
            days_off, forced_working = _six_day_week(year), set()
        # Both-regime rows first, so a row for this regime alone has the last word on its date.
        rows = CalendarOverride.objects.filter(date__year=year, work_week__in=(0, self.work_week))
        for row in rows.order_by("work_week", "date"):
            if row.kind == OverrideKind.DAY_OFF:
                days_off[row.date] = _override_names(row)
                forced_working.discard(row.date)
            else:
                days_off.pop(row.date, None)
                forced_working.add(row.date)
        return _Year(days_off=days_off, forced_working=frozenset(forced_working), loaded_at=monotonic())


def calendar_for(organisation=None) -> WorkCalendar:
    """The calendar an organisation works by (its ``work_week``); the five-day week when none is given."""
    return WorkCalendar(organisation.work_week if organisation is not None else 5)


# --- Building a year from the package ---------------------------------------------------------------


def _package_names(uz_name: str, en_name: str) -> Names:
    return {"uz": uz_name, "uz-cyrl": to_cyrillic(uz_name), "en": en_name}


def _five_day_week(year: int) -> tuple[dict[date, Names], set[date]]:
    uz = holidays.UZ(years=year)
    en = holidays.UZ(years=year, language="en_US")
    days_off = {d: _package_names(uz[d], en[d]) for d in uz}
    return days_off, {d for d in uz.weekend_workdays if d.year == year}


def _six_day_week(year: int) -> dict[date, Names]:
    """Holidays and decree days without the package's Saturday-and-Sunday observed rule, plus the Art 208
    move of Sunday holidays to the next day that is neither Sunday nor already off. (No holiday up to 2100
    falls on a Sunday late enough in December to move into the next year.)
    """
    uz = holidays.UZ(years=year, observed=False)
    en = holidays.UZ(years=year, observed=False, language="en_US")
    days_off = {d: _package_names(uz[d], en[d]) for d in uz}
    for holiday in sorted(days_off):
        if holiday.weekday() != SUNDAY or holiday < LABOUR_CODE_IN_FORCE:
            continue
        moved = holiday + ONE_DAY
        while moved.weekday() == SUNDAY or moved in days_off:
            moved += ONE_DAY
        days_off[moved] = _package_names(_observed_name(uz, holiday), _observed_name(en, holiday))
    return days_off


def _observed_name(package: holidays.HolidayBase, holiday: date) -> str:
    """The moved day's name in the package's own wording ("Navroʻz bayrami (koʻchirilgan)"), so the
    six-day week reads like the five-day week."""
    estimated = package.tr(package.estimated_label) % ""
    names = []
    for name in package.get_list(holiday):
        if name.endswith(estimated):
            names.append(package.tr(package.observed_estimated_label) % name.removesuffix(estimated))
        else:
            names.append(package.tr(package.observed_label) % name)
    return "; ".join(names)


def _override_names(row: CalendarOverride) -> Names:
    names = {
        "uz": row.name_uz,
        "uz-cyrl": row.name_uz_cyrl or to_cyrillic(row.name_uz or ""),
        "ru": row.name_ru,
        "en": row.name_en,
    }
    return {language: name for language, name in names.items() if name}


def _pick_name(names: Names) -> str:
    language = (translation.get_language() or settings.LANGUAGE_CODE).lower()
    language = "uz-cyrl" if language.startswith("uz-cyrl") else language.split("-")[0]
    return names.get(language) or names.get("en") or names.get("uz") or _("Day off")
