"""Deadline rules as the law states terms, and the due moment they give."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from nazorat import testing
from nazorat.workcalendar.deadlines import DeadlineRule, Unit, due_date

pytestmark = pytest.mark.django_db

TASHKENT = ZoneInfo("Asia/Tashkent")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TASHKENT)


def end_of(day: str) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), time.max, tzinfo=TASHKENT)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("15 calendar_days", DeadlineRule(15, Unit.CALENDAR_DAYS)),
        ("15 calendar_days no_roll", DeadlineRule(15, Unit.CALENDAR_DAYS, no_roll=True)),
        ("10 working_days", DeadlineRule(10, Unit.WORKING_DAYS)),
        ("1 months", DeadlineRule(1, Unit.MONTHS)),
        ("1 months no_roll", DeadlineRule(1, Unit.MONTHS, no_roll=True)),
        ("8 working_hours", DeadlineRule(8, Unit.WORKING_HOURS)),
        ("30 working_minutes", DeadlineRule(30, Unit.WORKING_MINUTES)),
        ("0 calendar_days", DeadlineRule(0, Unit.CALENDAR_DAYS)),
    ],
)
def test_parse_and_round_trip(text, rule):
    assert DeadlineRule.parse(text) == rule
    assert str(rule) == text
    assert DeadlineRule.parse(str(rule)) == rule


def test_parse_tolerates_surrounding_and_repeated_spaces():
    assert str(DeadlineRule.parse("  15   calendar_days ")) == "15 calendar_days"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "<amount> <unit>"),
        ("15", "<amount> <unit>"),
        ("15 calendar_days no_roll extra", "<amount> <unit>"),
        ("fifteen calendar_days", "whole number"),
        ("-1 calendar_days", "whole number"),
        ("1.5 working_hours", "whole number"),
        ("١٥ calendar_days", "whole number"),  # non-ASCII digits are not a number a rule should carry
        ("15 days", "Unknown deadline unit “days”"),
        ("1 month", "Unknown deadline unit “month”"),
        ("15 calendar_days roll", "Unknown option “roll”"),
        ("10 working_days no_roll", "only applies to calendar_days and months"),
        ("30 working_minutes no_roll", "only applies to calendar_days and months"),
    ],
)
def test_bad_rules_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        DeadlineRule.parse(text)


def test_the_constructor_checks_too():
    with pytest.raises(ValueError, match="whole number"):
        DeadlineRule(-3, Unit.WORKING_DAYS)
    with pytest.raises(ValueError, match="Unknown deadline unit"):
        DeadlineRule(3, "weeks")
    assert DeadlineRule(3, "working_days").unit is Unit.WORKING_DAYS


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        ("15 calendar_days", "2026-06-01 10:00", end_of("2026-06-16")),
        ("15 calendar_days", "2026-05-12 10:00", end_of("2026-06-01")),  # Qurbon hayit and decree days
        ("15 calendar_days no_roll", "2026-05-12 10:00", end_of("2026-05-27")),
        ("1 months", "2026-04-27 15:00", end_of("2026-06-01")),
        ("1 months no_roll", "2026-04-27 15:00", end_of("2026-05-27")),
        ("10 working_days", "2026-03-02 11:00", end_of("2026-03-17")),
        ("30 working_minutes", "2026-06-05 17:45", at("2026-06-08 09:15")),
        ("8 working_hours", "2026-08-28 10:00", at("2026-09-02 11:00")),
    ],
)
def test_due(five, rule, start, expected):
    assert DeadlineRule.parse(rule).due(at(start), five) == expected


def test_the_day_count_starts_from_the_tashkent_date():
    # 20:00 UTC on 11 May is 01:00 on 12 May in Tashkent.
    assert due_date("15 calendar_days", datetime(2026, 5, 11, 20, 0, tzinfo=UTC)) == end_of("2026-06-01")


def test_due_date_uses_the_organisations_work_week():
    start = at("2026-04-24 10:00")  # + 15 days = Saturday 9 May, a holiday
    assert due_date("15 calendar_days", start) == end_of("2026-05-12")
    assert due_date("15 calendar_days", start, organisation=testing.org(work_week=5)) == end_of("2026-05-12")
    assert due_date("15 calendar_days", start, organisation=testing.org(work_week=6)) == end_of("2026-05-11")


def test_due_refuses_a_naive_start(five):
    with pytest.raises(ValueError):
        DeadlineRule.parse("15 calendar_days").due(datetime(2026, 6, 1, 10, 0), five)
