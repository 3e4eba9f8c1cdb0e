from datetime import timedelta

import pytest
from django.utils import timezone

from nazorat import testing


class World:
    """A small government: a region hokimlik with two district hokimliks, and their people."""

    def __init__(self):
        self.region = testing.org(name="Namangan viloyati hokimligi", territory_code="1714", code="nam-hok")
        self.district_a = testing.org(name="Chust tumani hokimligi", territory_code="1714224", parent=self.region,
                                      code="chust-hok")
        self.district_b = testing.org(name="Pop tumani hokimligi", territory_code="1714229", parent=self.region,
                                      code="pop-hok")
        self.controller = testing.staff(self.region, position="unit_head", roles=("control_group", "controller"),
                                        username="controller")
        self.region_head = testing.staff(self.region, position="head", roles=("signatory",), username="region_head")
        self.region_executor = testing.staff(self.region, roles=("executor",), username="region_exec")
        self.a_control = testing.staff(self.district_a, position="unit_head", roles=("control_group",),
                                       username="a_control")
        self.a_executor = testing.staff(self.district_a, roles=("executor",), username="a_exec",
                                        email="a_exec@example.uz")
        self.a_head = testing.staff(self.district_a, position="head", roles=("signatory",), username="a_head")
        self.b_executor = testing.staff(self.district_b, roles=("executor",), username="b_exec")


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def soon():
    return timezone.now() + timedelta(days=10)
