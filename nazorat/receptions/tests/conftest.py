"""A regional hokimlik whose governor receives citizens: the governor (the official), the control group and an
operator keeping the reception desk, a district body and its staff (no rights over the region's schedules), and
two citizens. The clock stands on Monday 18 May 2026, 10:00 in Tashkent, the week before Qurbon hayit
(Wednesday 27 May 2026, a day off)."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nazorat import testing
from nazorat.receptions import services

TASHKENT = ZoneInfo("Asia/Tashkent")


def at(text: str) -> datetime:
    """A Tashkent wall-clock moment: at("2026-05-18 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=TASHKENT)


class Gov:
    def __init__(self):
        self.region = testing.org(name="Namangan viloyati hokimligi", territory_code="1714", code="nam-hok")
        self.mahalla = testing.territory("1714224101", "Guliston mahallasi")
        self.district = testing.org(name="Chust tumani hokimligi", territory_code="1714224", parent=self.region,
                                    code="chust-hok")
        staff = dict(preferred_language="en")  # tests read English (conftest.py at the root)
        self.governor = testing.staff(self.region, position="head", roles=("signatory",), username="governor",
                                      first_name="Shavkat", last_name="Abdurazzoqov", title="Viloyat hokimi",
                                      **staff)
        self.official = self.governor.memberships.get()
        self.cg = testing.staff(self.region, position="unit_head", roles=("control_group",), username="cg", **staff)
        self.operator = testing.staff(self.region, roles=("operator",), username="operator", **staff)
        self.executor = testing.staff(self.region, roles=("executor",), username="executor", **staff)
        self.d_cg = testing.staff(self.district, position="unit_head", roles=("control_group",), username="d_cg",
                                  **staff)
        self.citizen = testing.citizen(username="alisher", first_name="Alisher", last_name="Karimov",
                                       email="alisher@example.uz", phone="+998901234567",
                                       preferred_language="en")
        self.other = testing.citizen(username="malika", first_name="Malika", last_name="Yusupova",
                                     email="malika@example.uz", preferred_language="en")

    def schedule(self, *, publish=True, **over):
        """The governor's personal reception: Mondays and Wednesdays 10:00–12:00, 30-minute times."""
        kwargs = dict(actor=self.cg, official=self.official, kind="personal",
                      place_uz="Namangan shahri, Mustaqillik maydoni 1, 2-qavat", start_time=time(10, 0),
                      end_time=time(12, 0), weekdays=[1, 3], slot_minutes=30, publish=publish)
        kwargs.update(over)
        return services.schedule_create(**kwargs)


@pytest.fixture
def monday():
    with time_machine.travel(at("2026-05-18 10:00"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def gov(db, monday):
    return Gov()


@pytest.fixture
def outbox(db):
    from nazorat.notifications.models import Notification

    return Notification.objects
