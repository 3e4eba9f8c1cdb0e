"""Which days are worked in 2026 and the day arithmetic deadlines are built from (legal-rules §5)."""

from datetime import date

import pytest
from django.utils import translation

from nazorat import testing
from nazorat.workcalendar.calendar import WorkCalendar, calendar_for
from nazorat.workcalendar.selectors import days_off, working_rest_days

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.mark.parametrize(
    ("day", "five_day", "six_day"),
    [
        ("2026-01-01", False, False),  # New Year
        ("2026-01-02", False, False),  # decree day off
        ("2026-01-05", True, True),
        ("2026-03-07", False, True),  # an ordinary Saturday
        ("2026-03-08", False, False),  # Women's Day on a Sunday ...
        ("2026-03-09", False, False),  # ... moves to Monday in both regimes (Art 208)
        ("2026-03-10", True, True),
        ("2026-03-20", False, False),  # Ro'za hayit
        ("2026-03-21", False, False),  # Navro'z on a Saturday ...
        ("2026-03-23", False, True),  # ... gives Monday off only to the five-day week
        ("2026-05-09", False, False),  # Memory and Honour Day on a Saturday ...
        ("2026-05-11", False, True),  # ... Monday off for the five-day week, worked in the six-day week
        ("2026-05-26", True, True),
        ("2026-05-27", False, False),  # Qurbon hayit
        ("2026-05-28", False, False),  # decree days off
        ("2026-05-29", False, False),
        ("2026-05-30", False, True),
        ("2026-08-31", False, False),  # decree day off before Independence Day
        ("2026-09-01", False, False),
        ("2026-09-02", True, True),
        ("2026-10-01", False, False),
        ("2026-12-08", False, False),
        ("2026-12-05", False, True),  # an ordinary Saturday
        ("2026-12-12", True, True),  # Saturday worked in exchange for 31 December
        ("2026-12-13", False, False),
        ("2026-12-31", False, False),
    ],
)
def test_2026_working_days_in_both_regimes(five, six, day, five_day, six_day):
    assert five.is_working_day(D(day)) is five_day
    assert six.is_working_day(D(day)) is six_day


def test_ordinary_weekends_are_not_holidays_but_moved_days_are(five, six):
    assert not five.is_holiday(D("2026-12-05"))
    assert five.holiday_name(D("2026-12-05")) is None
    assert five.is_holiday(D("2026-03-09"))
    assert six.is_holiday(D("2026-03-09"))
    assert five.is_holiday(D("2026-05-11"))
    assert not six.is_holiday(D("2026-05-11"))
    assert not five.is_holiday(D("2026-12-12"))


def test_holiday_names_follow_the_active_language(five):
    nowruz = D("2026-03-21")
    with translation.override("uz"):
        assert five.holiday_name(nowruz) == "Navroʻz bayrami"
    with translation.override("uz-cyrl"):
        assert five.holiday_name(nowruz) == "Наврўз байрами"
    with translation.override("en"):
        assert five.holiday_name(nowruz) == "Nowruz"
        assert five.holiday_name(D("2026-03-23")) == "Nowruz (observed)"
    with translation.override("ru"):  # the package has no Russian names: English rather than Uzbek
        assert five.holiday_name(nowruz) == "Nowruz"


@pytest.mark.parametrize(
    ("day", "uz_name"),
    [
        ("2026-03-09", "Xotin-qizlar kuni (koʻchirilgan)"),
        ("2027-05-17", "Qurbon hayit (koʻchirilgan, taxminiy)"),  # 2027 Islamic dates are still estimates
    ],
)
def test_six_day_week_names_its_moved_days_like_the_package(five, six, day, uz_name):
    with translation.override("uz"):
        assert six.holiday_name(D(day)) == uz_name
        assert five.holiday_name(D(day)) == uz_name


def test_six_day_week_moves_a_sunday_holiday_past_a_following_holiday(six):
    # 2027: Navro'z on Sunday 21 March; Monday 22 March is the moved rest day, Tuesday is worked.
    assert not six.is_working_day(D("2027-03-22"))
    assert six.is_working_day(D("2027-03-23"))


def test_rejects_an_unknown_work_week():
    with pytest.raises(ValueError):
        WorkCalendar(7)


def test_calendar_for_an_organisation_uses_its_work_week():
    assert calendar_for().work_week == 5
    assert calendar_for(testing.org(work_week=6)).work_week == 6
    assert calendar_for(testing.org()).work_week == 5


@pytest.mark.parametrize(
    ("day", "include_self", "expected"),
    [
        ("2026-05-26", False, "2026-06-01"),  # Eid, two decree days and a weekend
        ("2026-05-26", True, "2026-05-26"),
        ("2026-05-27", True, "2026-06-01"),
        ("2026-12-11", False, "2026-12-12"),  # the working Saturday
        ("2026-12-30", False, "2027-01-04"),  # across the year end
    ],
)
def test_next_working_day(five, day, include_self, expected):
    assert five.next_working_day(D(day), include_self=include_self) == D(expected)


@pytest.mark.parametrize(
    ("start", "n", "rolled", "not_rolled"),
    [
        ("2026-06-01", 15, "2026-06-16", "2026-06-16"),  # an ordinary Tuesday
        ("2026-05-12", 15, "2026-06-01", "2026-05-27"),  # lands on Qurbon hayit: after the decree days
        ("2026-03-06", 15, "2026-03-24", "2026-03-21"),  # lands on Navro'z (Sat): after the moved Monday
        ("2026-08-16", 15, "2026-09-02", "2026-08-31"),
        ("2026-12-16", 15, "2027-01-04", "2026-12-31"),  # into the next year
    ],
)
def test_add_calendar_days_rolls_a_day_off_forward(five, start, n, rolled, not_rolled):
    assert five.add_calendar_days(D(start), n) == D(rolled)
    assert five.add_calendar_days(D(start), n, roll=True) == D(rolled)
    assert five.add_calendar_days(D(start), n, roll=False) == D(not_rolled)


def test_add_calendar_days_rolls_by_the_regime(five, six):
    # 24 Apr + 15 days = Saturday 9 May: the five-day week also has Monday 11 May off.
    assert five.add_calendar_days(D("2026-04-24"), 15) == D("2026-05-12")
    assert six.add_calendar_days(D("2026-04-24"), 15) == D("2026-05-11")


def test_the_roll_default_comes_from_settings(five, settings):
    settings.NAZORAT_ROLL_DEADLINES_TO_WORKING_DAY = False
    assert five.add_calendar_days(D("2026-05-12"), 15) == D("2026-05-27")
    assert five.add_calendar_days(D("2026-05-12"), 15, roll=True) == D("2026-06-01")


@pytest.mark.parametrize(
    ("start", "n", "expected", "expected_six"),
    [
        ("2026-05-22", 3, "2026-06-01", "2026-05-26"),  # Friday: Mon, Tue, then Eid, decree days, weekend
        ("2026-08-27", 2, "2026-09-02", "2026-08-29"),  # across the decree day and Independence Day
        ("2026-03-02", 10, "2026-03-17", "2026-03-14"),  # across Women's Day and its moved Monday
        ("2026-03-21", 1, "2026-03-24", "2026-03-23"),  # a start on a day off counts from the next working day
        ("2026-12-11", 1, "2026-12-12", "2026-12-12"),
        ("2026-06-03", 0, "2026-06-03", "2026-06-03"),
    ],
)
def test_add_working_days(five, six, start, n, expected, expected_six):
    assert five.add_working_days(D(start), n) == D(expected)
    assert six.add_working_days(D(start), n) == D(expected_six)


def test_add_working_days_refuses_a_negative_count(five):
    with pytest.raises(ValueError):
        five.add_working_days(D("2026-06-01"), -1)


@pytest.mark.parametrize(
    ("start", "n", "rolled", "not_rolled"),
    [
        ("2027-01-31", 1, "2027-03-01", "2027-02-28"),  # 28 Feb 2027 is a Sunday
        ("2028-01-31", 1, "2028-02-29", "2028-02-29"),  # leap year, a Tuesday
        ("2026-11-30", 3, "2027-03-01", "2027-02-28"),  # across the year end, clipped to the month end
        ("2026-04-27", 1, "2026-06-01", "2026-05-27"),  # an appeal's one month ending on Qurbon hayit
        ("2026-03-15", 1, "2026-04-15", "2026-04-15"),
    ],
)
def test_add_months(five, start, n, rolled, not_rolled):
    assert five.add_months(D(start), n) == D(rolled)
    assert five.add_months(D(start), n, roll=False) == D(not_rolled)


def test_working_days_between_counts_like_add_working_days(five):
    assert five.working_days_between(D("2026-05-22"), D("2026-06-01")) == 3
    assert five.working_days_between(D("2026-06-01"), D("2026-05-22")) == -3
    assert five.working_days_between(D("2026-06-01"), D("2026-06-01")) == 0
    start = D("2026-12-01")
    for n in (1, 5, 9, 22):
        assert five.working_days_between(start, five.add_working_days(start, n)) == n


@pytest.mark.parametrize(
    ("day", "five_day", "six_day"),
    [
        ("2026-08-28", True, False),  # Friday before the decree day and Independence Day; six-day: Saturday is
        ("2026-08-29", False, True),
        ("2026-08-27", False, False),
        ("2026-05-26", True, True),  # before Qurbon hayit
        ("2026-03-06", True, False),  # before the weekend that holds Sunday 8 March
        ("2026-03-07", False, True),
        ("2026-05-08", True, True),  # before Saturday 9 May
        ("2026-12-30", True, True),
        ("2026-06-05", False, False),  # an ordinary Friday
        ("2026-05-27", False, False),  # a day off is not shortened
    ],
)
def test_pre_holiday_days(five, six, day, five_day, six_day):
    assert five.is_pre_holiday(D(day)) is five_day
    assert six.is_pre_holiday(D(day)) is six_day


def test_selectors_list_the_days_off_of_a_year():
    listed = days_off(2026)
    assert [d.isoformat() for d, _name in listed] == [
        "2026-01-01", "2026-01-02", "2026-03-08", "2026-03-09", "2026-03-20", "2026-03-21", "2026-03-23",
        "2026-05-09", "2026-05-11", "2026-05-27", "2026-05-28", "2026-05-29", "2026-08-31", "2026-09-01",
        "2026-10-01", "2026-12-08", "2026-12-31",
    ]
    with translation.override("uz"):
        assert dict(days_off(2026))[D("2026-09-01")] == "Mustaqillik kuni"
    six_day = {d for d, _name in days_off(2026, work_week=6)}
    assert D("2026-05-11") not in six_day and D("2026-03-23") not in six_day
    assert D("2026-03-09") in six_day
    assert working_rest_days(2026) == [D("2026-12-12")]
    assert working_rest_days(2026, work_week=6) == []
