"""Office-hour deadlines ("register within 30 minutes", "within one working day"): 09:00–18:00 Tashkent
time, lunch 13:00–14:00, the day before a holiday ending an hour early (Labour Code Art 187)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.django_db

TASHKENT = ZoneInfo("Asia/Tashkent")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TASHKENT)


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        ("2026-06-01 10:00", 30, "2026-06-01 10:30"),
        ("2026-06-01 12:30", 60, "2026-06-01 14:30"),  # lunch does not count
        ("2026-06-01 13:20", 10, "2026-06-01 14:10"),  # a start during lunch waits for 14:00
        ("2026-06-01 07:00", 30, "2026-06-01 09:30"),  # a start before opening waits for 09:00
        ("2026-06-05 17:45", 15, "2026-06-05 18:00"),  # ends exactly at closing time
        ("2026-06-05 17:45", 30, "2026-06-08 09:15"),  # Friday evening → Monday morning
        ("2026-06-05 19:00", 30, "2026-06-08 09:30"),  # received after hours
        ("2026-06-06 10:00", 30, "2026-06-08 09:30"),  # received on Saturday
        ("2026-05-26 16:30", 60, "2026-06-01 09:30"),  # pre-holiday Tuesday closes at 17:00; Eid week off
        ("2026-08-28 16:30", 60, "2026-09-02 09:30"),  # pre-holiday Friday closes at 17:00
        ("2026-08-21 16:30", 60, "2026-08-21 17:30"),  # an ordinary Friday does not
        ("2026-12-11 17:30", 60, "2026-12-12 09:30"),  # the working Saturday counts
        ("2026-06-01 10:00", 0, "2026-06-01 10:00"),
    ],
)
def test_add_working_minutes_five_day_week(five, start, minutes, expected):
    assert five.add_working_minutes(at(start), minutes) == at(expected)


def test_six_day_week_works_on_saturday(six):
    assert six.add_working_minutes(at("2026-06-05 17:45"), 30) == at("2026-06-06 09:15")
    # Saturday 9 May is a holiday, Monday 11 May is worked by the six-day week.
    assert six.add_working_minutes(at("2026-05-08 16:30"), 60) == at("2026-05-11 09:30")


def test_within_one_working_day(five):
    assert five.working_day_minutes == 480
    assert five.add_working_minutes(at("2026-06-01 10:00"), five.working_day_minutes) == at("2026-06-02 10:00")
    # From the shortened Friday before Independence Day only six hours are left that day.
    assert five.add_working_minutes(at("2026-08-28 10:00"), 480) == at("2026-09-02 11:00")


def test_add_working_hours(five):
    assert five.add_working_hours(at("2026-06-01 09:00"), 8) == at("2026-06-01 18:00")
    assert five.add_working_hours(at("2026-06-01 09:00"), 9) == at("2026-06-02 10:00")
    assert five.add_working_hours(at("2026-06-01 09:00"), 1.5) == at("2026-06-01 10:30")


def test_the_result_is_tashkent_time_whatever_the_input_zone(five):
    result = five.add_working_minutes(datetime(2026, 6, 1, 4, 0, tzinfo=UTC), 30)  # 09:00 in Tashkent
    assert result == at("2026-06-01 09:30")
    assert result.utcoffset().total_seconds() == 5 * 3600


def test_shorter_office_hours_from_settings(five, settings):
    settings.NAZORAT_OFFICE_HOURS = {**settings.NAZORAT_OFFICE_HOURS, "end": "17:00"}
    assert five.working_day_minutes == 420
    assert five.add_working_minutes(at("2026-06-01 16:45"), 30) == at("2026-06-02 09:15")


def test_refuses_naive_and_negative_input(five):
    with pytest.raises(ValueError):
        five.add_working_minutes(datetime(2026, 6, 1, 10, 0), 30)
    with pytest.raises(ValueError):
        five.add_working_minutes(at("2026-06-01 10:00"), -5)


def test_inconsistent_office_hours_are_a_configuration_error(five, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.NAZORAT_OFFICE_HOURS = {**settings.NAZORAT_OFFICE_HOURS, "lunch_start": "19:00", "lunch_end": "20:00"}
    with pytest.raises(ImproperlyConfigured):
        five.add_working_minutes(at("2026-06-01 10:00"), 30)
