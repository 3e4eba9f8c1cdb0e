import pytest

from nazorat.workcalendar.calendar import WorkCalendar, clear_cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Test transactions roll back without a delete signal, so an override one test made would otherwise
    stay in the process cache for the next."""
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def five() -> WorkCalendar:
    return WorkCalendar(5)


@pytest.fixture
def six() -> WorkCalendar:
    return WorkCalendar(6)
