"""A small national execution-control world: the Ministry of Justice (controller), the Cabinet of Ministers and
the Accounts Chamber (the national chain), the Namangan regional hokimlik with its control group, head and first
deputy, the Chust district hokimlik under it, and a People's reception observer."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nazorat import testing
from nazorat.execution import services

TASHKENT = ZoneInfo("Asia/Tashkent")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(text: str) -> datetime:
    """A Tashkent wall-clock moment: at("2026-06-03 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=TASHKENT)


def pdf(name="hisobot.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class World:
    def __init__(self):
        self.pa = testing.org(kind="presidential_administration", level="republic", territory_code=None,
                              name="Prezident Administratsiyasi", code="pa")
        self.moj = testing.org(kind="justice", level="republic", territory_code=None, name="Adliya vazirligi",
                               code="moj")
        self.cabinet = testing.org(kind="cabinet", level="republic", territory_code=None, name="Vazirlar Mahkamasi",
                                   code="cabinet")
        self.chamber = testing.org(kind="accounts_chamber", level="republic", territory_code=None,
                                   name="Hisob palatasi", code="accounts-chamber")
        self.region = testing.org(name="Namangan viloyati hokimligi", territory_code="1714", code="nam-hok")
        self.district = testing.org(name="Chust tumani hokimligi", territory_code="1714224", parent=self.region,
                                    code="chust-hok")
        self.other_district = testing.org(name="Pop tumani hokimligi", territory_code="1714229", parent=self.region,
                                          code="pop-hok")
        self.reception = testing.org(kind="peoples_reception", name="Xalq qabulxonasi", territory_code="1714",
                                     code="nam-xq")
        self.moj_ctl = testing.staff(self.moj, position="unit_head", roles=("controller", "control_group"),
                                     username="moj_ctl")
        self.cabinet_ctl = testing.staff(self.cabinet, position="unit_head", roles=("controller",),
                                         username="cabinet_ctl")
        self.chamber_ctl = testing.staff(self.chamber, position="unit_head", roles=("controller",),
                                         username="chamber_ctl")
        self.cg = testing.staff(self.region, position="unit_head", roles=("control_group",), username="cg",
                                title="Nazorat guruhi rahbari")
        self.governor = testing.staff(self.region, position="head", roles=("signatory",), username="governor",
                                      title="Viloyat hokimi")
        self.first_deputy = testing.staff(self.region, position="first_deputy", roles=("control_group",),
                                          username="first_deputy", title="Birinchi oʻrinbosar")
        self.region_exec = testing.staff(self.region, roles=("executor",), username="region_exec")
        self.d_cg = testing.staff(self.district, position="unit_head", roles=("control_group",), username="d_cg")
        self.d_exec = testing.staff(self.district, roles=("executor",), username="d_exec")
        self.d_head = testing.staff(self.district, position="head", roles=("signatory",), username="d_head",
                                    title="Tuman hokimi")
        self.pop_exec = testing.staff(self.other_district, roles=("executor",), username="pop_exec")
        self.observer = testing.staff(self.reception, roles=("observer",), username="observer")
        self.citizen = testing.citizen(username="citizen")

    def document(self, *, number="PQ-100", public=False, actor=None, **extra):
        data = {"kind": "resolution", "issuer": self.pa.pk, "number": number, "date": date(2026, 1, 15),
                "title_uz": "Ijro intizomini mustahkamlash toʻgʻrisida", "text": "1. Choralar koʻrilsin.",
                "is_public": public, **extra}
        return services.document_register(actor=actor or self.moj_ctl, data=data)

    def task(self, document, *, item="1", due_on=None, deadline_kind="date", period="", actor=None):
        return services.task_add(document=document, actor=actor or self.moj_ctl, data={
            "item": item, "text": "Hududlarda ichimlik suvi taʼminotini yaxshilash choralarini koʻrish",
            "deadline_kind": deadline_kind, "due_on": due_on, "period": period})


@pytest.fixture
def world(db):
    return World()
